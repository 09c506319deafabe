using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SecurityReportClock : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateSequence(
                name: "security_report_numbers");

            migrationBuilder.AddColumn<DateTime>(
                name: "acknowledge_by",
                table: "security_reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "acknowledged_at",
                table: "security_reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "number",
                table: "security_reports",
                type: "bigint",
                nullable: true,
                defaultValueSql: "nextval('security_report_numbers')");

            migrationBuilder.AddColumn<DateTime>(
                name: "resolve_by",
                table: "security_reports",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "severity",
                table: "security_reports",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "suggested_severity",
                table: "security_reports",
                type: "character varying(10)",
                maxLength: 10,
                nullable: true);

            // Reports filed before the clock: untriaged, so critical (4 h / 24 h from filing); acknowledged by their first reply.
            migrationBuilder.Sql("""
                UPDATE security_reports r SET
                    acknowledge_by = r.created_at + interval '4 hours',
                    resolve_by = r.created_at + interval '24 hours',
                    acknowledged_at = (SELECT min(x.created_at) FROM security_report_replies x WHERE x.report_id = r.id)
                WHERE r.acknowledge_by IS NULL;
                """);

            migrationBuilder.CreateTable(
                name: "security_report_mails",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    report_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    deadline = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    claimed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_security_report_mails", x => x.id);
                    table.ForeignKey(
                        name: "fk_security_report_mails_security_reports_report_id",
                        column: x => x.report_id,
                        principalTable: "security_reports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_security_reports_number",
                table: "security_reports",
                column: "number",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_security_report_mails_report_id_kind_deadline",
                table: "security_report_mails",
                columns: new[] { "report_id", "kind", "deadline" },
                unique: true)
                .Annotation("Npgsql:NullsDistinct", false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "security_report_mails");

            migrationBuilder.DropIndex(
                name: "ix_security_reports_number",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "acknowledge_by",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "acknowledged_at",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "number",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "resolve_by",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "severity",
                table: "security_reports");

            migrationBuilder.DropColumn(
                name: "suggested_severity",
                table: "security_reports");

            migrationBuilder.DropSequence(
                name: "security_report_numbers");
        }
    }
}
