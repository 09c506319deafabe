using AddonProvider.Data.Entities;

namespace AddonProvider.Data.Catalog;

/// <summary>
/// The products, plans and models we sell (../shared/docs/products.md). The migrator writes this into
/// PostgreSQL; the database is what the running service reads.
/// </summary>
public static class CatalogDefinition
{
    public const string MobiLoud = "mobiloud";
    public const string KafkaCluster = "kafkacluster";
    public const string Inference = "inference";

    public static readonly IReadOnlyList<string> ProductIds = [MobiLoud, KafkaCluster, Inference];

    public static IReadOnlyList<InferenceModel> Models { get; } =
    [
        new() { Id = "cohere-rerank-3-5", Kind = ModelKind.Rerank, Regions = ["us", "eu"], RequestsPerMinute = 250 },
        new() { Id = "amazon-rerank-1-0", Kind = ModelKind.Rerank, Regions = ["us", "eu"], RequestsPerMinute = 200 },
        Chat("qwen3-235b"),
        Chat("qwen3-coder-480b"),
        Chat("minimax-m2"),
        Chat("kimi-k2-thinking"),
        Chat("kimi-k2-5"),
    ];

    public static IReadOnlyList<Product> Products { get; } =
    [
        new()
        {
            Id = MobiLoud, Name = "MobiLoud", ConfigVarPrefix = "MOBILOUD",
            Plans = new (string Slug, int? Dollars)[]
            {
                ("test", 0), ("starter", 999), ("essential", 1999), ("basic", 2999), ("standard", 3999),
                ("professional", 4999), ("advanced", 5999), ("premium", 6999), ("superior", 7999),
                ("elite", 8999), ("executive", 9999),
            }.Select((p, i) => new Plan
            {
                ProductId = MobiLoud, Slug = p.Slug, Name = Title(p.Slug), SortOrder = i,
                PriceCentsPerMonth = p.Dollars * 100, CanPublish = p.Slug != "test",
            }).ToList(),
        },
        new()
        {
            Id = KafkaCluster, Name = "KafkaCluster", ConfigVarPrefix = "KAFKACLUSTER",
            // Throughput quotas come from the brief; topic, partition, group and retention quotas are ours.
            Plans =
            [
                Kafka("free", 0, produce: 6, consume: 6, topics: 3, partitions: 3, groups: 3, retentionHours: 24),
                Kafka("starter", 1, produce: 8, consume: 8, topics: 10, partitions: 6, groups: 10, retentionHours: 72),
                Kafka("basic-0", 2, produce: 64, consume: 256, topics: 50, partitions: 12, groups: 50, retentionHours: 168),
                Kafka("basic-1", 3, produce: 512, consume: 2048, topics: 200, partitions: 32, groups: 200, retentionHours: 336),
            ],
        },
        new()
        {
            Id = Inference, Name = "Inference", ConfigVarPrefix = "INFERENCE",
            Plans =
            [
                .. Models.Select((m, i) => new Plan { ProductId = Inference, Slug = m.Id, Name = m.Id, SortOrder = i, ModelId = m.Id }),
                new Plan { ProductId = Inference, Slug = "standard", Name = "Standard", SortOrder = Models.Count },
            ],
        },
    ];

    private static InferenceModel Chat(string id) => new()
    {
        Id = id, Kind = ModelKind.Chat, Regions = ["us"], RequestsPerMinute = 150, TokensPerMinute = 800_000,
    };

    private static Plan Kafka(string slug, int order, int produce, int consume, int topics, int partitions, int groups, int retentionHours) => new()
    {
        ProductId = KafkaCluster, Slug = slug, Name = Title(slug), SortOrder = order,
        ProduceQuotaKbps = produce, ConsumeQuotaKbps = consume, MaxTopics = topics,
        MaxPartitionsPerTopic = partitions, MaxConsumerGroups = groups, MaxRetentionHours = retentionHours,
    };

    private static string Title(string slug) => char.ToUpperInvariant(slug[0]) + slug[1..];
}
