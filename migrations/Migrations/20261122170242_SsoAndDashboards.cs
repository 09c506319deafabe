using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class SsoAndDashboards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "mobiloud_apps",
                columns: table => new
                {
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    website_url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    config_json = table.Column<string>(type: "jsonb", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mobiloud_apps", x => x.resource_id);
                    table.ForeignKey(
                        name: "fk_mobiloud_apps_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "mobiloud_submissions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    form_json = table.Column<string>(type: "jsonb", nullable: false),
                    config_snapshot_json = table.Column<string>(type: "jsonb", nullable: true),
                    website_url_snapshot = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    plan_slug_snapshot = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    submitted_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    operators_notified_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_mobiloud_submissions", x => x.id);
                    table.ForeignKey(
                        name: "fk_mobiloud_submissions_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sso_token_uses",
                columns: table => new
                {
                    token = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sso_token_uses", x => new { x.token, x.user_id });
                });

            migrationBuilder.CreateIndex(
                name: "ix_mobiloud_submissions_resource_id",
                table: "mobiloud_submissions",
                column: "resource_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_mobiloud_submissions_submitted_at",
                table: "mobiloud_submissions",
                column: "submitted_at",
                filter: "operators_notified_at IS NULL AND status = 'submitted'");

            migrationBuilder.CreateIndex(
                name: "ix_sso_token_uses_expires_at",
                table: "sso_token_uses",
                column: "expires_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "mobiloud_apps");

            migrationBuilder.DropTable(
                name: "mobiloud_submissions");

            migrationBuilder.DropTable(
                name: "sso_token_uses");
        }
    }
}
