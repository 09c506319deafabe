using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <summary>
    /// KafkaCluster tenancy on a shared cluster (expand only): the cluster model gains topics and groups; stored topic
    /// and group names get their resource's prefix (the ACLs were already granted on it); the topics of live resources
    /// are put on the cluster model under those names; and every live resource holding a Platform API grant gets one
    /// outbox row for kafka.push-prefix (PushKafkaPrefixJob), which hands it the new KAFKACLUSTER_PREFIX config var.
    /// A name too long to carry the prefix within Kafka's 249 characters (over 216) is left as it is: no cluster
    /// could have held it under the prefix, and renaming it would lose data the customer sees.
    /// </summary>
    public partial class KafkaTenantPrefix : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "kafka_cluster_groups",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    group_id = table.Column<string>(type: "character varying(249)", maxLength: 249, nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kafka_cluster_groups", x => x.id);
                    table.ForeignKey(
                        name: "fk_kafka_cluster_groups_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "kafka_cluster_topics",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    resource_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(249)", maxLength: 249, nullable: false),
                    partitions = table.Column<int>(type: "integer", nullable: false),
                    replication_factor = table.Column<short>(type: "smallint", nullable: false),
                    retention_ms = table.Column<long>(type: "bigint", nullable: false),
                    created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_kafka_cluster_topics", x => x.id);
                    table.ForeignKey(
                        name: "fk_kafka_cluster_topics_resources_resource_id",
                        column: x => x.resource_id,
                        principalTable: "resources",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_kafka_cluster_groups_group_id",
                table: "kafka_cluster_groups",
                column: "group_id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_kafka_cluster_groups_resource_id",
                table: "kafka_cluster_groups",
                column: "resource_id");

            migrationBuilder.CreateIndex(
                name: "ix_kafka_cluster_topics_name",
                table: "kafka_cluster_topics",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_kafka_cluster_topics_resource_id",
                table: "kafka_cluster_topics",
                column: "resource_id");

            migrationBuilder.Sql(PrefixStoredNames);
            migrationBuilder.Sql("""
                INSERT INTO kafka_cluster_topics (resource_id, name, partitions, replication_factor, retention_ms, created_at)
                SELECT t.resource_id, t.name, t.partitions, t.replication_factor, t.retention_hours * 3600000::bigint, t.created_at
                FROM kafka_topics t JOIN resources r ON r.id = t.resource_id
                WHERE r.state IN ('provisioning', 'provisioned') AND starts_with(t.name, replace(t.resource_id::text, '-', '') || '.')
                ON CONFLICT (name) DO NOTHING;
                """);
            // Written once, with this migration: the history table makes sure it never runs again.
            migrationBuilder.Sql($"""
                INSERT INTO outbox (kind, argument, created_at)
                SELECT '{PushPrefixKind}', r.id::text, now() FROM resources r
                WHERE r.product_id = 'kafkacluster' AND r.state IN ('provisioning', 'provisioned')
                  AND EXISTS (SELECT 1 FROM heroku_tokens t WHERE t.resource_id = r.id)
                ORDER BY r.created_at;
                """);
        }

        /// <summary>KafkaJobKinds.PushPrefix in the web project (which this assembly does not reference).</summary>
        private const string PushPrefixKind = "kafka.push-prefix";

        private const string PrefixStoredNames = """
            UPDATE kafka_topics SET name = replace(resource_id::text, '-', '') || '.' || name
            WHERE NOT starts_with(name, replace(resource_id::text, '-', '') || '.') AND length(name) <= 216;
            UPDATE kafka_consumer_groups SET name = replace(resource_id::text, '-', '') || '.' || name
            WHERE NOT starts_with(name, replace(resource_id::text, '-', '') || '.') AND length(name) <= 216;
            """;

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql($"""
                DELETE FROM outbox WHERE kind = '{PushPrefixKind}' AND dispatched_at IS NULL;
                UPDATE kafka_topics SET name = substr(name, 34) WHERE starts_with(name, replace(resource_id::text, '-', '') || '.');
                UPDATE kafka_consumer_groups SET name = substr(name, 34) WHERE starts_with(name, replace(resource_id::text, '-', '') || '.');
                """);
            migrationBuilder.DropTable(
                name: "kafka_cluster_groups");

            migrationBuilder.DropTable(
                name: "kafka_cluster_topics");
        }
    }
}
