namespace AddonProvider.Web.Jobs;

/// <summary>Every job kind, as stored in outbox rows and Hangfire. Renaming a value strands queued work: don't.</summary>
public static class JobKinds
{
    public const string ExchangeGrant = "heroku.exchange-grant";
    public const string RefreshOwnerEmail = "heroku.refresh-owner-email";
    public const string RefreshStaleOwnerEmails = "heroku.refresh-stale-owner-emails";
    public const string SetUpKafkaCluster = "kafka.set-up-cluster";
    public const string FinishKafkaProvisioning = "kafka.finish-provisioning";
    public const string ApplyKafkaQuotas = "kafka.apply-quotas";
    public const string TearDownKafkaCluster = "kafka.tear-down";
    public const string SweepKafkaProvisioning = "kafka.sweep-provisioning";
    public const string PushRotatedCredential = "credentials.push-rotated";
    public const string RevokeCredential = "credentials.revoke";
    public const string PurgeDeprovisioned = "retention.purge-deprovisioned";
}
