using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <summary>
    /// Data only, expand only: when the Data Protection key ring holds keys written before they were sealed with
    /// SECRETS_KEY, queues one secrets.seal-key-ring job (SealKeyRingJob) for the keys that exist now (argument: the
    /// highest key id). The job seals them in place; from this version on, a plaintext key is never trusted, so one
    /// written after this point stays refused. The migrations history makes sure this runs once.
    /// </summary>
    public partial class SealKeyRing : Migration
    {
        /// <summary>JobKinds.SealKeyRing in the web project (which this assembly does not reference).</summary>
        private const string SealKeyRingKind = "secrets.seal-key-ring";

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                INSERT INTO outbox (kind, argument, created_at)
                SELECT '{SealKeyRingKind}', max(id)::text, now() FROM data_protection_keys
                HAVING bool_or(xml NOT LIKE '%secretBoxEncrypted%');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"DELETE FROM outbox WHERE kind = '{SealKeyRingKind}' AND dispatched_at IS NULL;");
        }
    }
}
