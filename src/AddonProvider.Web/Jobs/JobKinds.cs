namespace AddonProvider.Web.Jobs;

/// <summary>The job kinds of the shared features (each product folder has its own), as stored in outbox rows and Hangfire. Renaming a value strands queued work: don't.</summary>
public static class JobKinds
{
    public const string ExchangeGrant = "heroku.exchange-grant";
    public const string RefreshOwnerEmail = "heroku.refresh-owner-email";
    public const string RefreshStaleOwnerEmails = "heroku.refresh-stale-owner-emails";
    public const string RefreshAccessList = "heroku.refresh-access-list";
    public const string RefreshStaleAccessLists = "heroku.refresh-stale-access-lists";
    public const string PushRotatedCredential = "credentials.push-rotated";
    public const string RevokeCredential = "credentials.revoke";
    public const string PurgeDeprovisioned = "retention.purge-deprovisioned";
    /// <summary>Queued once by the migration SealKeyRing (which spells the value out: it cannot reference this project).</summary>
    public const string SealKeyRing = "secrets.seal-key-ring";
}
