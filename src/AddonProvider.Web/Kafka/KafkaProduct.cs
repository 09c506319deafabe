using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Kafka;

/// <summary>
/// KafkaCluster's rules: a SCRAM user per credential on a shared cluster, quotas per plan, and an asynchronous provision
/// when Heroku sends an OAuth grant (the cluster is finished through the Platform API).
/// </summary>
public sealed class KafkaProduct(
    AddonDbContext db, SecretBox secrets, KafkaBrokers brokers, KafkaClusterSetup setup, IKafkaClusterAdmin admin) : AddonProduct
{
    public static readonly ProductInfo Facts = new(CatalogDefinition.KafkaCluster, "KafkaCluster",
        ["KAFKACLUSTER_BROKERS", "KAFKACLUSTER_USERNAME", "KAFKACLUSTER_PASSWORD", "KAFKACLUSTER_SASL_METHOD", PrefixVar], "kafka");

    /// <summary>The prefix every topic and consumer group of the resource carries on the shared cluster.</summary>
    public const string PrefixVar = "KAFKACLUSTER_PREFIX";

    public override ProductInfo Info => Facts;

    public override bool HasCredentials => true;

    // With a grant the cluster can be finished through the Platform API, so Heroku gets a 202 at once.
    public override bool FinishesLater(NewResource provision) => provision.HasGrant;

    public override (Credential Row, string Secret)? IssueCredential(Resource resource, DateTime now)
    {
        var password = Tokens.Random(40);
        return (new Credential
        {
            ResourceId = resource.Id, Kind = CredentialKind.KafkaScram, CreatedAt = now,
            Username = $"kc-{resource.Id.ToString("N")[..8]}-{Tokens.RandomLower(8)}",
            SecretCiphertext = secrets.Encrypt(password),
        }, password);
    }

    public override IReadOnlyDictionary<string, string> RenderConfig(Resource resource, Credential? credential, string? plaintext = null) =>
        new Dictionary<string, string>
        {
            ["KAFKACLUSTER_BROKERS"] = brokers.For(resource.Region),
            ["KAFKACLUSTER_USERNAME"] = credential!.Username!,
            ["KAFKACLUSTER_PASSWORD"] = plaintext ?? secrets.Decrypt(credential.SecretCiphertext),
            ["KAFKACLUSTER_SASL_METHOD"] = KafkaBrokers.SaslMethod,
            [PrefixVar] = KafkaTenancy.Prefix(resource.Id),
        };

    public override string ReadyMessage(Resource resource, string productName) =>
        $"{productName} is ready: connection details are in the KAFKACLUSTER_* config vars.";

    public override void AfterProvision(AddonDbContext unit, NewResource provision, DateTime now)
    {
        // A grant's exchange finishes the cluster (AfterGrantExchanged); without one the config was answered already.
        if (!provision.HasGrant) unit.Enqueue(KafkaJobKinds.SetUpCluster, provision.Resource.Id.ToString(), now);
    }

    public override void AfterGrantExchanged(AddonDbContext unit, Resource resource, DateTime now)
    {
        if (resource.State == ResourceState.Provisioning) unit.Enqueue(KafkaJobKinds.FinishProvisioning, resource.Id.ToString(), now);
    }

    public override async Task<Outcome<bool>> ChangePlanAsync(Resource resource, Plan plan, CatalogSnapshot catalog, CancellationToken ct)
    {
        if (await OverageAsync(resource.Id, plan, ct) is { } over)
            return Failure.Unprocessable($"Cannot change to the {plan.Slug} plan: this cluster uses more than it allows ({over}). Delete what is over, or choose a larger plan.");
        return false;
    }

    public override void AfterPlanChange(AddonDbContext unit, Resource resource, DateTime now) =>
        unit.Enqueue(KafkaJobKinds.ApplyQuotas, resource.Id.ToString(), now);

    public override void AfterDeprovision(AddonDbContext unit, Resource resource, DateTime now) =>
        unit.Enqueue(KafkaJobKinds.TearDownCluster, resource.Id.ToString(), now);

    public override void AfterSuspend(AddonDbContext unit, Resource resource, DateTime now) =>
        unit.Enqueue(KafkaJobKinds.DisableUsers, resource.Id.ToString(), now);

    public override void AfterResume(AddonDbContext unit, Resource resource, DateTime now) =>
        unit.Enqueue(KafkaJobKinds.EnableUsers, resource.Id.ToString(), now);

    public override Task BeforeCredentialPushAsync(Resource resource, CancellationToken ct) => setup.EnsureAsync(resource, ct);

    public override Task RevokeCredentialAsync(Credential credential, CancellationToken ct) =>
        admin.DeleteUserAsync(credential.ResourceId, credential.Username!, ct);

    /// <summary>What the resource uses beyond <paramref name="plan"/>'s quotas, or null when it fits.</summary>
    private async Task<string?> OverageAsync(Guid resourceId, Plan plan, CancellationToken ct)
    {
        var topics = await db.KafkaTopics.Where(t => t.ResourceId == resourceId)
            .Select(t => new { t.Partitions, t.RetentionHours }).ToListAsync(ct);
        var groups = await db.KafkaConsumerGroups.CountAsync(g => g.ResourceId == resourceId, ct);
        var over = new List<string>();
        if (topics.Count > plan.MaxTopics) over.Add($"{topics.Count} topics, the plan allows {plan.MaxTopics}");
        if (topics.Count > 0 && topics.Max(t => t.Partitions) is var p && p > plan.MaxPartitionsPerTopic)
            over.Add($"a topic with {p} partitions, the plan allows {plan.MaxPartitionsPerTopic} per topic");
        if (topics.Count > 0 && topics.Max(t => t.RetentionHours) is var h && h > plan.MaxRetentionHours)
            over.Add($"a topic retained {h} hours, the plan allows {plan.MaxRetentionHours}");
        if (groups > plan.MaxConsumerGroups) over.Add($"{groups} consumer groups, the plan allows {plan.MaxConsumerGroups}");
        return over.Count == 0 ? null : string.Join("; ", over);
    }
}
