namespace AddonProvider.Web.Kafka;

/// <summary>KafkaCluster's job kinds, as stored in outbox rows and Hangfire. Renaming a value strands queued work: don't.</summary>
public static class KafkaJobKinds
{
    public const string SetUpCluster = "kafka.set-up-cluster";
    public const string FinishProvisioning = "kafka.finish-provisioning";
    public const string ApplyQuotas = "kafka.apply-quotas";
    public const string TearDownCluster = "kafka.tear-down";
    public const string SweepProvisioning = "kafka.sweep-provisioning";
    public const string DisableUsers = "kafka.disable-users";
    public const string EnableUsers = "kafka.enable-users";

    /// <summary>Also written by the migration KafkaTenantPrefix, as a literal: keep the two equal.</summary>
    public const string PushPrefix = "kafka.push-prefix";
}
