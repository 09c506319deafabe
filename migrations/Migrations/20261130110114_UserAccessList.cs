using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class UserAccessList : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "access_list_entries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    heroku_user_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                    source = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    permissions = table.Column<List<string>>(type: "text[]", nullable: false),
                    role = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    refreshed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_list_entries", x => x.id);
                    table.ForeignKey(
                        name: "fk_access_list_entries_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "access_lists",
                columns: table => new
                {
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    app_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    app_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    team_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    team_name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    refreshed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_attempt_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    last_error = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_access_lists", x => x.resource_id);
                    table.ForeignKey(
                        name: "fk_access_lists_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_access_list_entries_resource_id_source_email",
                table: "access_list_entries",
                columns: new[] { "resource_id", "source", "email" },
                unique: true);
            // Who a resource's security mail may go to, defined once (advisory fan-out, reachability and the last
            // check before sending all read it): the owner email, everyone on the user access list, and verified SSO
            // users — except, once a list has been read, a verified SSO user who is no longer on it (removed from the app).
            migrationBuilder.Sql("""
                CREATE VIEW resource_contacts AS
                SELECT r.id AS resource_id, btrim(r.owner_email) AS email
                FROM resources r WHERE coalesce(btrim(r.owner_email), '') <> ''
                UNION ALL
                SELECT e.resource_id, btrim(e.email)
                FROM access_list_entries e WHERE coalesce(btrim(e.email), '') <> ''
                UNION ALL
                SELECT u.resource_id, btrim(u.email)
                FROM sso_users u
                WHERE u.verified AND coalesce(btrim(u.email), '') <> ''
                  AND NOT EXISTS (
                      SELECT 1 FROM access_lists l WHERE l.resource_id = u.resource_id AND l.refreshed_at IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM access_list_entries e WHERE e.resource_id = u.resource_id
                                        AND (e.heroku_user_id = u.user_id OR lower(btrim(e.email)) = lower(btrim(u.email)))))
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP VIEW IF EXISTS resource_contacts");
            migrationBuilder.DropTable(
                name: "access_list_entries");

            migrationBuilder.DropTable(
                name: "access_lists");
        }
    }
}
