using AddonProvider.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AddonProvider.Web.Jobs;

public enum RetentionDecision { Keep, Anonymise, Purge }

/// <param name="When">What ends the row's life (or changes it): the resource's purge, an age, never.</param>
/// <param name="Why">Why this decision for this data.</param>
/// <param name="AgeLimit">For rows that also go by age: how old (by the field <paramref name="When"/> names) they may get.</param>
public sealed record RetentionRule(RetentionDecision Decision, string When, string Why, TimeSpan? AgeLimit = null);

/// <summary>
/// What happens to every table of the EF model once a resource has been deprovisioned for RETENTION_PERIOD, and which
/// tables are swept by age instead. One entry per entity type; a test enumerates the model against this map, so a new
/// table cannot be added without a decision. The job that applies it is <see cref="RetentionPurgeJob"/>.
/// Outside the EF model: Hangfire's own tables (schema <c>hangfire</c>) hold job arguments, which are ids only, never an
/// email or a secret; Hangfire expires succeeded and deleted jobs after a day; failed ones stay until an operator retries
/// or deletes them on the jobs dashboard.
/// </summary>
public static class RetentionPolicy
{
    public static IReadOnlyDictionary<Type, RetentionRule> Rules { get; } = new Dictionary<Type, RetentionRule>
    {
        [typeof(Product)] = Keep("the catalog: no customer data"),
        [typeof(Plan)] = Keep("the catalog: no customer data"),
        [typeof(InferenceModel)] = Keep("the catalog: no customer data"),
        [typeof(Advisory)] = Keep("written by our security team; affected resources are listed by id only"),
        [typeof(DataProtectionKey)] = Keep("ASP.NET's key ring for cookies and antiforgery tokens, no customer data; sealed with SECRETS_KEY (a plaintext key is refused); Data Protection retires a key after 90 days and keeps it so older payloads still open"),

        [typeof(Resource)] = new(RetentionDecision.Anonymise, "at the resource's purge",
            "the tombstone: id, product, plans, region, state and dates stay, so a repeated DELETE is still 204 and the audit log keeps its subject; name, callback URL, Heroku id and owner email are cleared (the public app id, random and unique, stays so it is never reused)"),
        [typeof(AuditEntry)] = new(RetentionDecision.Anonymise, "at the resource's purge; kept for good",
            "the record of what happened stays; customer actors (emails, Heroku user ids) and email addresses in its text become keyed pseudonyms; operators (admin:) and system actors stay as they are"),
        [typeof(SecurityReport)] = new(RetentionDecision.Anonymise, "at the resource's purge; resolved or rejected reports are purged a year after their last update",
            "a report is evidence about our service and outlives the resource while open; the reporter's address becomes a pseudonym, the name is cleared, addresses in the text and notes become pseudonyms",
            AgeLimit: TimeSpan.FromDays(365)),
        [typeof(SecurityReportReply)] = new(RetentionDecision.Anonymise, "with its report (anonymised with it, purged with it)",
            "the recipient and addresses in the body become pseudonyms; a reply not yet sent is marked failed, never sent to a pseudonym"),
        [typeof(SecurityReportMail)] = new(RetentionDecision.Keep, "with its report (purged with it)",
            "which emails about a report went out (the team's alerts, the acknowledgement) and when: kinds, deadlines and times, no address (the job reads it when it sends; a pseudonymised address is never mailed)"),
        [typeof(AdvisoryNotification)] = new(RetentionDecision.Anonymise, "once every resource it names is purged; sent or failed ones are purged a year after their last update",
            "the delivery log of an advisory (its counts stay right) without the recipient's address", AgeLimit: TimeSpan.FromDays(365)),

        [typeof(Credential)] = PurgeWithResource("the customer's Kafka passwords and API keys (already revoked at deprovision)"),
        [typeof(HerokuToken)] = PurgeWithResource("the resource's Platform API OAuth tokens and the Heroku user id of the grant"),
        [typeof(SsoUser)] = PurgeWithResource("customer emails and Heroku user ids (the contacts of security notices)"),
        [typeof(AccessList)] = PurgeWithResource("the billing app and team of the resource, as the Platform API named them"),
        [typeof(AccessListEntry)] = PurgeWithResource("the Heroku users with access to the app (emails, user ids, permissions): the user access list"),
        [typeof(AdvisoryTarget)] = PurgeWithResource("which resource an advisory reached and the Heroku user who acknowledged it"),
        [typeof(MobiLoudApp)] = PurgeWithResource("the customer's website and app configuration"),
        [typeof(MobiLoudSubmission)] = PurgeWithResource("the customer's publishing form (names, store details)"),
        [typeof(MobiLoudGraphic)] = PurgeWithResource("the app icon and splash image the customer uploaded for publishing"),
        [typeof(KafkaTopic)] = PurgeWithResource("the customer's topics as the dashboard shows them"),
        [typeof(KafkaConsumerGroup)] = PurgeWithResource("the customer's consumer groups as the dashboard shows them"),
        [typeof(KafkaUser)] = PurgeWithResource("the cluster model's SCRAM users (the broker's were removed by kafka.tear-down)"),
        [typeof(KafkaAcl)] = PurgeWithResource("the cluster model's ACLs (the broker's were removed by kafka.tear-down)"),
        [typeof(KafkaQuota)] = PurgeWithResource("the cluster model's client quotas"),
        [typeof(KafkaClusterTopic)] = PurgeWithResource("the cluster model's topics, tenant prefix included"),
        [typeof(KafkaClusterGroup)] = PurgeWithResource("the cluster model's consumer groups"),
        [typeof(InferenceUsageDay)] = PurgeWithResource("the customer's daily usage (Heroku bills from its own metering)"),
        [typeof(LogDrain)] = PurgeWithResource("the app's Logplex input URL (encrypted; its user-info is a credential) and the drain's backoff"),
        [typeof(LogEvent)] = new(RetentionDecision.Purge, "at the resource's purge; once shipped to the app's logs (AppLogs/ShipLogsJob), or a day after it was written if never shipped",
            "lines for the customer's app logs, waiting to be posted; no secrets, no emails", AgeLimit: TimeSpan.FromDays(1)),
        [typeof(UsageWarning)] = PurgeWithResource("when the resource neared or reached a plan limit (the once-a-day email guard); no emails"),
        [typeof(UsageStreak)] = PurgeWithResource("since when a resource has stayed over a usage threshold; deleted as soon as the streak ends"),
        [typeof(InferenceRateEvent)] = new(RetentionDecision.Purge, "at the resource's purge; every minute once out of the rate window (RateWindowCleanup)",
            "request times of the customer's apps"),
        [typeof(SsoTokenUse)] = new(RetentionDecision.Purge, "once the token's timestamp window has passed (Sso/SsoTokenPurge, every 5 minutes)",
            "the replay guard: a token digest and a Heroku user id, needed only while the token could be replayed; names no resource"),
        [typeof(OutboxMessage)] = new(RetentionDecision.Purge, "at the resource's purge (rows whose argument is its id); dispatched rows a week after dispatch",
            "work items holding ids; once handed to Hangfire nothing reads them again", AgeLimit: TimeSpan.FromDays(7)),
    };

    /// <summary>The rule of <paramref name="entity"/>; an entity without one stops the purge, naming it.</summary>
    public static RetentionRule For(IReadOnlyEntityType entity) => Rules.TryGetValue(entity.ClrType, out var rule) ? rule
        : throw new InvalidOperationException(
            $"Entity type {entity.ClrType.Name} (table {entity.GetTableName()}) has no retention decision: add it to Jobs/RetentionPolicy.cs.");

    /// <summary>Entity types of <paramref name="model"/> that have no decision yet, as "Type (table name)".</summary>
    public static IReadOnlyList<string> Unmapped(IReadOnlyModel model) =>
        model.GetEntityTypes().Where(e => !Rules.ContainsKey(e.ClrType)).Select(e => $"{e.ClrType.Name} (table {e.GetTableName()})").Order().ToList();

    public static TimeSpan AgeLimitOf<T>() => Rules[typeof(T)].AgeLimit ?? throw new InvalidOperationException($"{typeof(T).Name} has no age limit.");

    private static RetentionRule Keep(string why) => new(RetentionDecision.Keep, "never purged", why);

    private static RetentionRule PurgeWithResource(string why) =>
        new(RetentionDecision.Purge, "at the resource's purge (foreign key to resources)", why);
}
