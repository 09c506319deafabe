using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

/// <summary>Drafting, previewing and publishing advisories. Publishing is the only way a fan-out starts.</summary>
public sealed class AdvisoryService(AddonDbContext db, CatalogCache catalog, AdvisoryEmail email, TimeProvider clock)
{
    public async Task<Outcome<Advisory>> CreateAsync(AdvisoryInput input, Guid? followUpOf, string actor, string? requestId, CancellationToken ct)
    {
        Advisory? parent = null;
        if (followUpOf is { } parentId)
        {
            parent = await db.Advisories.AsNoTracking().SingleOrDefaultAsync(a => a.Id == parentId, ct);
            if (parent is null) return Failure.NotFound($"No advisory {parentId}.");
            if (parent.Status != AdvisoryStatus.Published)
                return Failure.Conflict("Follow-ups attach to a published advisory; this one is still a draft — edit it instead.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var advisory = new Advisory { Id = Guid.NewGuid(), Title = "", CreatedBy = actor, CreatedAt = now, UpdatedAt = now, FollowUpOf = followUpOf };
        // A follow-up without its own audience goes to the audience of the advisory it updates.
        if (parent is not null && input.Affected is null)
            input = input with { Affected = new AffectedInput(parent.AffectsAll, parent.AffectedProducts, parent.AffectedPlans,
                parent.AffectedRegions, parent.ProvisionedFrom, parent.ProvisionedTo, parent.AffectedResourceIds) };
        if (AdvisoryValidation.Apply(input, advisory, await catalog.GetAsync()) is { } invalid) return invalid;
        db.Advisories.Add(advisory);
        db.AuditLog.Add(Audit(now, actor, followUpOf is null ? "advisory.create" : "advisory.follow-up", advisory, requestId));
        await db.SaveChangesAsync(ct);
        return advisory;
    }

    public Task<Advisory?> FindAsync(Guid id, CancellationToken ct) => db.Advisories.AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);

    public async Task<Outcome<Advisory>> UpdateAsync(Guid id, AdvisoryInput input, string actor, string? requestId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Locked, so an edit and a publish cannot interleave: the published text is the text that was checked.
        var advisory = await LockAsync(id, ct);
        if (advisory is null) return Failure.NotFound($"No advisory {id}.");
        if (advisory.Status != AdvisoryStatus.Draft)
            return Failure.Conflict("This advisory is published and frozen; send later news as a follow-up (POST .../follow-ups).");
        if (AdvisoryValidation.Apply(input, advisory, await catalog.GetAsync()) is { } invalid) return invalid;
        var now = clock.GetUtcNow().UtcDateTime;
        advisory.UpdatedAt = now;
        db.AuditLog.Add(Audit(now, actor, "advisory.update", advisory, requestId));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return advisory;
    }

    /// <summary>
    /// Freezes the advisory and, in the same transaction, writes the outbox row that starts the fan-out.
    /// A second publish finds it published and changes nothing. Returns whether this call published it.
    /// </summary>
    public async Task<Outcome<(Advisory Advisory, bool Published)>> PublishAsync(Guid id, string actor, string? requestId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var advisory = await LockAsync(id, ct);
        if (advisory is null) return Failure.NotFound($"No advisory {id}.");
        if (advisory.Status == AdvisoryStatus.Published) return (advisory, false);
        if (AdvisoryValidation.Publishable(advisory) is { } invalid) return invalid;
        var now = clock.GetUtcNow().UtcDateTime;
        advisory.Status = AdvisoryStatus.Published;
        advisory.PublishedAt = now;
        advisory.PublishedBy = actor;
        advisory.UpdatedAt = now;
        db.Enqueue(AdvisoryJobs.Resolve, id.ToString(), now);
        db.AuditLog.Add(Audit(now, actor, "advisory.publish", advisory, requestId));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return (advisory, true);
    }

    /// <summary>The email a recipient of this advisory gets, rendered for one real affected resource when there is one.</summary>
    public async Task<Outcome<EmailPreview>> PreviewAsync(Guid id, Guid? resourceId, CancellationToken ct)
    {
        var advisory = await FindAsync(id, ct);
        if (advisory is null) return Failure.NotFound($"No advisory {id}.");
        var parent = advisory.FollowUpOf is { } p ? await FindAsync(p, ct) : null;
        return await ComposePreviewAsync(advisory, parent, resourceId, ct);
    }

    /// <summary>
    /// The email an advisory not yet saved would send, and whom it would reach: what the console's compose form shows
    /// as the operator types. The same validation and the same composer as a saved advisory's preview.
    /// </summary>
    public async Task<Outcome<(EmailPreview Email, AdvisoryReach Reach)>> PreviewDraftAsync(AdvisoryInput input, Guid? followUpOf, CancellationToken ct)
    {
        var parent = followUpOf is { } parentId ? await FindAsync(parentId, ct) : null;
        if (followUpOf is not null && parent is null) return Failure.NotFound($"No advisory {followUpOf}.");
        if (parent is not null && input.Affected is null)
            input = input with { Affected = new AffectedInput(parent.AffectsAll, parent.AffectedProducts, parent.AffectedPlans,
                parent.AffectedRegions, parent.ProvisionedFrom, parent.ProvisionedTo, parent.AffectedResourceIds) };
        var now = clock.GetUtcNow().UtcDateTime;
        var draft = new Advisory { Id = Guid.Empty, Title = "", CreatedBy = "", CreatedAt = now, UpdatedAt = now, FollowUpOf = followUpOf };
        if (AdvisoryValidation.Apply(input, draft, await catalog.GetAsync()) is { } invalid) return invalid;
        var email = await ComposePreviewAsync(draft, parent, null, ct);
        return (email.Value!, await ReachAsync(draft, ct));
    }

    private async Task<Outcome<EmailPreview>> ComposePreviewAsync(Advisory advisory, Advisory? parent, Guid? resourceId, CancellationToken ct)
    {
        var affected = AdvisoryTargeting.Affected(db, advisory).AsNoTracking();
        if (resourceId is { } rid) affected = affected.Where(r => r.Id == rid);
        var sample = await affected.OrderBy(r => r.CreatedAt).FirstOrDefaultAsync(ct);
        if (resourceId is not null && sample is null)
            return Failure.NotFound($"Resource {resourceId} is not affected by this advisory (or does not exist).");
        var resource = sample is null
            ? new AdvisoryEmail.AffectedResource(Guid.Empty, "add-on", "example", "example-resource")
            : new AdvisoryEmail.AffectedResource(sample.Id, sample.ProductId, sample.PlanSlug, sample.Name);
        var to = sample?.OwnerEmail ?? "customer@example.com";
        var message = email.Compose(advisory, parent, to, [resource], email.MessageId(advisory.Id, 0));
        return new EmailPreview(message.From.ToString(), message.To.ToString(), message.Subject ?? "", message.TextBody ?? "");
    }

    /// <summary>
    /// Whom publishing would reach now: the affected resources, and the distinct addresses the fan-out would mail — the
    /// same view (<c>resource_contacts</c>) and the same de-duplication key (lower-cased) as ResolveAdvisoryJob.
    /// </summary>
    public async Task<AdvisoryReach> ReachAsync(Advisory advisory, CancellationToken ct)
    {
        var ids = (await AdvisoryTargeting.Affected(db, advisory).AsNoTracking().Select(r => r.Id).ToListAsync(ct)).ToArray();
        var recipients = await db.Database.SqlQuery<int>(
            $"SELECT count(DISTINCT lower(email))::int AS \"Value\" FROM resource_contacts WHERE resource_id = ANY({ids})").SingleAsync(ct);
        var withContact = await db.Database.SqlQuery<int>(
            $"SELECT count(DISTINCT resource_id)::int AS \"Value\" FROM resource_contacts WHERE resource_id = ANY({ids})").SingleAsync(ct);
        return new AdvisoryReach(ids.Length, recipients, ids.Length - withContact);
    }

    public async Task<Outcome<AdvisoryReach>> ReachAsync(Guid id, CancellationToken ct) =>
        await FindAsync(id, ct) is { } advisory ? await ReachAsync(advisory, ct) : Failure.NotFound($"No advisory {id}.");

    /// <summary>The recipients whose delivery failed for good, with why: what an operator may resend.</summary>
    public Task<List<FailedRecipient>> FailedRecipientsAsync(Guid id, CancellationToken ct) =>
        db.AdvisoryNotifications.AsNoTracking().Where(n => n.AdvisoryId == id && n.Status == NotificationStatus.Failed).OrderBy(n => n.EmailKey)
            .Select(n => new FailedRecipient(n.Id, n.Email, n.Attempts, n.LastError)).ToListAsync(ct);

    /// <summary>
    /// Puts failed notifications (all of the advisory's, or the given ones) back to pending with fresh attempts and starts
    /// their batches again, in one transaction with its audit row. The delivery job re-checks each address is still a
    /// verified contact before it sends, so a resend mails nobody the first run would not have.
    /// </summary>
    public async Task<Outcome<int>> ResendFailedAsync(Guid id, IReadOnlyList<long>? notificationIds, string actor, string? requestId, CancellationToken ct)
    {
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var advisory = await LockAsync(id, ct);
        if (advisory is null) return Failure.NotFound($"No advisory {id}.");
        if (advisory.Status != AdvisoryStatus.Published) return Failure.Conflict("Only a published advisory has deliveries to resend.");
        var failed = db.AdvisoryNotifications.Where(n => n.AdvisoryId == id && n.Status == NotificationStatus.Failed);
        if (notificationIds is { Count: > 0 }) failed = failed.Where(n => notificationIds.Contains(n.Id));
        var batches = await failed.Select(n => n.Batch).Distinct().ToListAsync(ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var count = await failed.ExecuteUpdateAsync(n => n
            .SetProperty(x => x.Status, NotificationStatus.Pending).SetProperty(x => x.Attempts, 0)
            .SetProperty(x => x.LastError, (string?)null).SetProperty(x => x.UpdatedAt, now), ct);
        foreach (var batch in batches) db.Enqueue(AdvisoryJobs.Deliver, AdvisoryJobs.BatchArgument(id, batch), now);
        if (count > 0)
            db.AuditLog.Add(AuditLog.Entry(now, actor, "advisory.resend", null, requestId: requestId,
                detail: JsonSerializer.Serialize(new { advisoryId = id, recipients = count })));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return count;
    }

    public async Task<Outcome<AdvisoryProgress>> ProgressAsync(Guid id, CancellationToken ct)
    {
        if (!await db.Advisories.AnyAsync(a => a.Id == id, ct)) return Failure.NotFound($"No advisory {id}.");
        var counts = await db.AdvisoryNotifications.Where(n => n.AdvisoryId == id)
            .GroupBy(n => n.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        int Count(params NotificationStatus[] s) => counts.Where(c => s.Contains(c.Key)).Sum(c => c.Count);
        var unreachable = await (
            from t in db.AdvisoryTargets
            join r in db.Resources on t.ResourceId equals r.Id
            where t.AdvisoryId == id && !t.Reachable
            orderby r.CreatedAt
            select new UnreachableResource(r.Id, r.ProductId, r.PlanSlug, r.Name)).ToListAsync(ct);
        return new AdvisoryProgress(counts.Sum(c => c.Count), Count(NotificationStatus.Pending, NotificationStatus.Sending),
            Count(NotificationStatus.Sent), Count(NotificationStatus.Failed), unreachable.Count, unreachable);
    }

    private Task<Advisory?> LockAsync(Guid id, CancellationToken ct) =>
        db.Advisories.FromSql($"SELECT *, xmin FROM advisories WHERE id = {id} FOR UPDATE").SingleOrDefaultAsync(ct);

    private static AuditEntry Audit(DateTime now, string actor, string action, Advisory a, string? requestId) =>
        AuditLog.Entry(now, actor, action, null, requestId: requestId,
            detail: JsonSerializer.Serialize(new { advisoryId = a.Id, title = a.Title, severity = a.Severity.ToString().ToLowerInvariant() }));
}
