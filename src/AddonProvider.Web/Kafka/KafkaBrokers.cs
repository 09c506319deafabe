using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Kafka;

/// <summary>The broker lists handed to KafkaCluster customers, per region (KAFKA_BROKERS_US / KAFKA_BROKERS_EU).</summary>
public sealed record KafkaBrokers(string Us, string Eu)
{
    public const string SaslMethod = "SCRAM-SHA-512";

    public string For(string region) => region == "eu" ? Eu : Us;

    public static KafkaBrokers From(Settings settings) =>
        new(settings.Get("KAFKA_BROKERS_US", "localhost:9092"), settings.Get("KAFKA_BROKERS_EU", "localhost:9092"));
}
