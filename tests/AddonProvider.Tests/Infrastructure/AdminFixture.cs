using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// The app as a web-only process (no job server) with an in-process SMTP server. Tests play the worker themselves
/// with <see cref="RunJobsAsync"/>, so they decide exactly when and how often each job runs.
/// </summary>
public class AdminFixture : AppFixture
{
    public const string OperatorsEmail = "ops@provider.example";
    public const string SecurityEmail = "security-team@provider.example";

    public SmtpListener Smtp { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["role"] = "web",
        ["SMTP_URL"] = Smtp.Url,
        ["MAIL_FROM"] = "security@provider.example",
        ["MAIL_BATCH_SIZE"] = "3",
        ["MAIL_MAX_ATTEMPTS"] = "2",
        ["OPERATORS_EMAIL"] = OperatorsEmail,
        ["SECURITY_EMAIL"] = SecurityEmail,
    };

    /// <summary>
    /// A live resource with the given contacts, inserted directly (owner emails and SSO users come from other features);
    /// <paramref name="ssoEmails"/> are verified SSO users (user-scoped logins), <paramref name="unverifiedSsoEmails"/> weaker-token ones.
    /// </summary>
    public async Task<Resource> ResourceAsync(string product = "kafkacluster", string plan = "starter", string region = "us", string? owner = null,
        string[]? ssoEmails = null, ResourceState state = ResourceState.Provisioned, DateTime? createdAt = null, string? name = null,
        string[]? unverifiedSsoEmails = null)
    {
        var now = createdAt ?? DateTime.UtcNow;
        var resource = new Resource
        {
            Id = Guid.NewGuid(), ProductId = product, PlanSlug = plan, OriginalPlanSlug = plan, Region = region, State = state,
            OwnerEmail = owner, CreatedAt = now, UpdatedAt = now, Name = name ?? $"app-{Guid.NewGuid().ToString()[..8]}",
            DeprovisionedAt = state == ResourceState.Deprovisioned ? now : null,
        };
        await using var db = Db();
        db.Resources.Add(resource);
        foreach (var (email, i) in (ssoEmails ?? []).Select((e, i) => (e, i)))
            db.SsoUsers.Add(new SsoUser { ResourceId = resource.Id, UserId = $"user-{Guid.NewGuid():N}-{i}", Email = email, Verified = true, FirstLoginAt = now, LastLoginAt = now });
        foreach (var email in unverifiedSsoEmails ?? [])
            db.SsoUsers.Add(new SsoUser { ResourceId = resource.Id, UserId = $"claimed-{Guid.NewGuid():N}", Email = email, Verified = false, FirstLoginAt = now, LastLoginAt = now });
        await db.SaveChangesAsync();
        return resource;
    }

    /// <summary>
    /// Plays the worker: runs every undispatched outbox row's job (and the rows those jobs write) until none is left.
    /// Returns the exceptions jobs threw (Hangfire would retry those); <paramref name="times"/> runs each job that often.
    /// </summary>
    public async Task<List<Exception>> RunJobsAsync(int times = 1)
    {
        var failures = new List<Exception>();
        while (true)
        {
            List<OutboxMessage> batch;
            await using (var db = Db())
            {
                // Jobs scheduled for later (a rotation's revocation after the overlap) are Hangfire's to run then, not now.
                batch = await db.Outbox.Where(m => m.DispatchedAt == null && (m.RunAt == null || m.RunAt <= DateTime.UtcNow)).OrderBy(m => m.Id).ToListAsync();
                foreach (var m in batch) m.DispatchedAt = DateTime.UtcNow;
                await db.SaveChangesAsync();
            }
            if (batch.Count == 0) return failures;
            foreach (var m in batch)
                for (var i = 0; i < times; i++)
                    if (await RunJobAsync(m.Kind, m.Argument) is { } e) failures.Add(e);
        }
    }

    public async Task<Exception?> RunJobAsync(string kind, string argument)
    {
        await using var scope = App.Services.CreateAsyncScope();
        try
        {
            await scope.ServiceProvider.GetRequiredKeyedService<IJob>(kind).RunAsync(argument, CancellationToken.None);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}
