using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Jobs : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "run_at",
                table: "outbox",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "heroku_tokens",
                columns: table => new
                {
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    grant_code_ciphertext = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: true),
                    grant_expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    access_token_ciphertext = table.Column<string>(type: "character varying(1200)", maxLength: 1200, nullable: true),
                    refresh_token_ciphertext = table.Column<string>(type: "character varying(1200)", maxLength: 1200, nullable: true),
                    access_token_expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    heroku_user_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_heroku_tokens", x => x.resource_id);
                    table.ForeignKey(
                        name: "fk_heroku_tokens_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "kafka_acls",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    principal = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    resource_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    resource_name = table.Column<string>(type: "character varying(249)", maxLength: 249, nullable: false),
                    pattern_type = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    operation = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kafka_acls", x => x.id);
                    table.ForeignKey(
                        name: "fk_kafka_acls_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "kafka_quotas",
                columns: table => new
                {
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    produce_kbps = table.Column<int>(type: "integer", nullable: false),
                    consume_kbps = table.Column<int>(type: "integer", nullable: false),
                    plan_slug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kafka_quotas", x => x.resource_id);
                    table.ForeignKey(
                        name: "fk_kafka_quotas_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "kafka_users",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    username = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    credential_id = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kafka_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_kafka_users_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_kafka_acls_resource_id_principal_resource_type_resource_nam~",
                table: "kafka_acls",
                columns: new[] { "resource_id", "principal", "resource_type", "resource_name", "pattern_type", "operation" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_kafka_users_resource_id",
                table: "kafka_users",
                column: "resource_id");

            migrationBuilder.CreateIndex(
                name: "ix_kafka_users_username",
                table: "kafka_users",
                column: "username",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "heroku_tokens");

            migrationBuilder.DropTable(
                name: "kafka_acls");

            migrationBuilder.DropTable(
                name: "kafka_quotas");

            migrationBuilder.DropTable(
                name: "kafka_users");

            migrationBuilder.DropColumn(
                name: "run_at",
                table: "outbox");
        }
    }
}
