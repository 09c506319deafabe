using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "audit_log",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    actor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    action = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: true),
                    product_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    before = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    after = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    request_id = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    detail = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_audit_log", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    friendly_name = table.Column<string>(type: "text", nullable: true),
                    xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_data_protection_keys", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "inference_models",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    regions = table.Column<string[]>(type: "text[]", nullable: false),
                    requests_per_minute = table.Column<int>(type: "integer", nullable: false),
                    tokens_per_minute = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_inference_models", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "products",
                columns: table => new
                {
                    id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    config_var_prefix = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_products", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "plans",
                columns: table => new
                {
                    product_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    slug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    sort_order = table.Column<int>(type: "integer", nullable: false),
                    price_cents_per_month = table.Column<int>(type: "integer", nullable: true),
                    can_publish = table.Column<bool>(type: "boolean", nullable: false),
                    produce_quota_kbps = table.Column<int>(type: "integer", nullable: true),
                    consume_quota_kbps = table.Column<int>(type: "integer", nullable: true),
                    max_topics = table.Column<int>(type: "integer", nullable: true),
                    max_partitions_per_topic = table.Column<int>(type: "integer", nullable: true),
                    max_consumer_groups = table.Column<int>(type: "integer", nullable: true),
                    max_retention_hours = table.Column<int>(type: "integer", nullable: true),
                    model_id = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_plans", x => new { x.product_id, x.slug });
                    table.ForeignKey(
                        name: "fk_plans_inference_models_model_id",
                        column: x => x.model_id,
                        principalTable: "inference_models",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_plans_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "resources",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    product_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    plan_slug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    original_plan_slug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    region = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    heroku_region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    callback_url = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    heroku_id = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    model_id = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    public_app_id = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    state = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    owner_email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    owner_email_refreshed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    deprovisioned_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    purged_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resources", x => x.id);
                    table.ForeignKey(
                        name: "fk_resources_plans_product_id_plan_slug",
                        columns: x => new { x.product_id, x.plan_slug },
                        principalTable: "plans",
                        principalColumns: new[] { "product_id", "slug" },
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_resources_products_product_id",
                        column: x => x.product_id,
                        principalTable: "products",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "credentials",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    kind = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    username = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    secret_ciphertext = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    lookup_hash = table.Column<byte[]>(type: "bytea", nullable: true),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credentials", x => x.id);
                    table.ForeignKey(
                        name: "fk_credentials_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "kafka_consumer_groups",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(249)", maxLength: 249, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kafka_consumer_groups", x => x.id);
                    table.ForeignKey(
                        name: "fk_kafka_consumer_groups_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "kafka_topics",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(249)", maxLength: 249, nullable: false),
                    partitions = table.Column<int>(type: "integer", nullable: false),
                    replication_factor = table.Column<short>(type: "smallint", nullable: false),
                    retention_hours = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kafka_topics", x => x.id);
                    table.ForeignKey(
                        name: "fk_kafka_topics_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "sso_users",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    user_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    email = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    first_login_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    last_login_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_sso_users", x => x.id);
                    table.ForeignKey(
                        name: "fk_sso_users_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_at",
                table: "audit_log",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_audit_log_resource_id_at",
                table: "audit_log",
                columns: new[] { "resource_id", "at" });

            migrationBuilder.CreateIndex(
                name: "ix_credentials_lookup_hash",
                table: "credentials",
                column: "lookup_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_credentials_resource_id_kind",
                table: "credentials",
                columns: new[] { "resource_id", "kind" });

            migrationBuilder.CreateIndex(
                name: "ix_credentials_username",
                table: "credentials",
                column: "username",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_kafka_consumer_groups_resource_id_name",
                table: "kafka_consumer_groups",
                columns: new[] { "resource_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_kafka_topics_resource_id_name",
                table: "kafka_topics",
                columns: new[] { "resource_id", "name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_plans_model_id",
                table: "plans",
                column: "model_id");

            migrationBuilder.CreateIndex(
                name: "ix_resources_product_id_plan_slug",
                table: "resources",
                columns: new[] { "product_id", "plan_slug" });

            migrationBuilder.CreateIndex(
                name: "ix_resources_product_id_state_created_at",
                table: "resources",
                columns: new[] { "product_id", "state", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_resources_public_app_id",
                table: "resources",
                column: "public_app_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_sso_users_resource_id_user_id",
                table: "sso_users",
                columns: new[] { "resource_id", "user_id" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "audit_log");

            migrationBuilder.DropTable(
                name: "credentials");

            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.DropTable(
                name: "kafka_consumer_groups");

            migrationBuilder.DropTable(
                name: "kafka_topics");

            migrationBuilder.DropTable(
                name: "sso_users");

            migrationBuilder.DropTable(
                name: "resources");

            migrationBuilder.DropTable(
                name: "plans");

            migrationBuilder.DropTable(
                name: "inference_models");

            migrationBuilder.DropTable(
                name: "products");
        }
    }
}
