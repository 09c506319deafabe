using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class OutboxPendingKindArgumentIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_outbox_pending_kind_argument",
                table: "outbox",
                columns: new[] { "kind", "argument" },
                filter: "dispatched_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_outbox_pending_kind_argument",
                table: "outbox");
        }
    }
}
