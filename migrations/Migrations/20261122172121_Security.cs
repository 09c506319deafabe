using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Security : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "advisories",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    follow_up_of = table.Column<Guid>(type: "uuid", nullable: true),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    severity = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    cve_ids = table.Column<List<string>>(type: "text[]", nullable: false),
                    summary = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    assessment = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    mitigation = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: false),
                    links = table.Column<List<string>>(type: "text[]", nullable: false),
                    affects_all = table.Column<bool>(type: "boolean", nullable: false),
                    affected_products = table.Column<List<string>>(type: "text[]", nullable: false),
                    affected_plans = table.Column<List<string>>(type: "text[]", nullable: false),
                    affected_regions = table.Column<List<string>>(type: "text[]", nullable: false),
                    provisioned_from = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    provisioned_to = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    affected_resource_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    created_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    published_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    published_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    resolved_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_advisories", x => x.id);
                    table.ForeignKey(
                        name: "fk_advisories_advisories_follow_up_of",
                        column: x => x.follow_up_of,
                        principalTable: "advisories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "security_reports",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reporter_email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    reporter_name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    text = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    notes = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_security_reports", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "advisory_notifications",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    advisory_id = table.Column<Guid>(type: "uuid", nullable: false),
                    email_key = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    resource_ids = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    batch = table.Column<int>(type: "integer", nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_advisory_notifications", x => x.id);
                    table.ForeignKey(
                        name: "fk_advisory_notifications_advisories_advisory_id",
                        column: x => x.advisory_id,
                        principalTable: "advisories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "advisory_targets",
                columns: table => new
                {
                    advisory_id = table.Column<Guid>(type: "uuid", nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    reachable = table.Column<bool>(type: "boolean", nullable: false),
                    acknowledged_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    acknowledged_by = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_advisory_targets", x => new { x.advisory_id, x.resource_id });
                    table.ForeignKey(
                        name: "fk_advisory_targets_advisories_advisory_id",
                        column: x => x.advisory_id,
                        principalTable: "advisories",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_advisory_targets_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "security_report_replies",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    report_id = table.Column<Guid>(type: "uuid", nullable: false),
                    author = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    to_email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    status = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_security_report_replies", x => x.id);
                    table.ForeignKey(
                        name: "fk_security_report_replies_security_reports_report_id",
                        column: x => x.report_id,
                        principalTable: "security_reports",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_advisories_follow_up_of",
                table: "advisories",
                column: "follow_up_of");

            migrationBuilder.CreateIndex(
                name: "ix_advisory_notifications_advisory_id_batch_status",
                table: "advisory_notifications",
                columns: new[] { "advisory_id", "batch", "status" });

            migrationBuilder.CreateIndex(
                name: "ix_advisory_notifications_advisory_id_email_key",
                table: "advisory_notifications",
                columns: new[] { "advisory_id", "email_key" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_advisory_targets_resource_id",
                table: "advisory_targets",
                column: "resource_id");

            migrationBuilder.CreateIndex(
                name: "ix_security_report_replies_report_id",
                table: "security_report_replies",
                column: "report_id");

            migrationBuilder.CreateIndex(
                name: "ix_security_reports_status_created_at",
                table: "security_reports",
                columns: new[] { "status", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "advisory_notifications");

            migrationBuilder.DropTable(
                name: "advisory_targets");

            migrationBuilder.DropTable(
                name: "security_report_replies");

            migrationBuilder.DropTable(
                name: "advisories");

            migrationBuilder.DropTable(
                name: "security_reports");
        }
    }
}
