using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Kafka;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web.Provisioning;

/// <summary>Issues per-resource credentials and renders the config vars Heroku sets on the customer's app.</summary>
public sealed class ConfigVars(PublicUrls urls, SecretBox secrets, KafkaBrokers brokers)
{
    public static IReadOnlyList<string> Names(string productId) => productId switch
    {
        CatalogDefinition.MobiLoud => ["MOBILOUD_URL"],
        CatalogDefinition.KafkaCluster => ["KAFKACLUSTER_BROKERS", "KAFKACLUSTER_USERNAME", "KAFKACLUSTER_PASSWORD", "KAFKACLUSTER_SASL_METHOD"],
        CatalogDefinition.Inference => ["INFERENCE_KEY", "INFERENCE_URL", "INFERENCE_MODEL_ID"],
        _ => throw new ArgumentOutOfRangeException(nameof(productId), productId, "unknown product"),
    };

    /// <summary>A new credential for the resource, or null for products that issue none. Returns the plaintext once.</summary>
    public (Credential Row, string Secret)? Issue(Resource resource, DateTime now)
    {
        switch (resource.ProductId)
        {
            case CatalogDefinition.KafkaCluster:
            {
                var password = Tokens.Random(40);
                return (new Credential
                {
                    ResourceId = resource.Id, Kind = CredentialKind.KafkaScram, CreatedAt = now,
                    Username = $"kc-{resource.Id.ToString("N")[..8]}-{Tokens.RandomLower(8)}",
                    SecretCiphertext = secrets.Encrypt(password),
                }, password);
            }
            case CatalogDefinition.Inference:
            {
                var key = "inf-" + Tokens.Random(48);
                return (new Credential
                {
                    ResourceId = resource.Id, Kind = CredentialKind.InferenceKey, CreatedAt = now,
                    SecretCiphertext = secrets.Encrypt(key), LookupHash = secrets.LookupHash(key),
                }, key);
            }
            default:
                return null;
        }
    }

    public IReadOnlyDictionary<string, string> Render(Resource resource, Credential? credential, string? plaintext = null)
    {
        string Secret() => plaintext ?? secrets.Decrypt(credential!.SecretCiphertext);
        return resource.ProductId switch
        {
            CatalogDefinition.MobiLoud => new Dictionary<string, string>
            {
                ["MOBILOUD_URL"] = urls.Combine($"dashboard/{resource.Id}"),
            },
            CatalogDefinition.KafkaCluster => new Dictionary<string, string>
            {
                ["KAFKACLUSTER_BROKERS"] = brokers.For(resource.Region),
                ["KAFKACLUSTER_USERNAME"] = credential!.Username!,
                ["KAFKACLUSTER_PASSWORD"] = Secret(),
                ["KAFKACLUSTER_SASL_METHOD"] = KafkaBrokers.SaslMethod,
            },
            CatalogDefinition.Inference => new Dictionary<string, string>
            {
                ["INFERENCE_KEY"] = Secret(),
                ["INFERENCE_URL"] = urls.Root,
                ["INFERENCE_MODEL_ID"] = resource.ModelId!,
            },
            _ => throw new InvalidOperationException($"unknown product {resource.ProductId}"),
        };
    }
}
