using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.MobiLoud;

/// <summary>The publishing request's draft and its one-time submission.</summary>
public sealed class PublishingService(AddonDbContext db, TimeProvider clock)
{
    public const string StaleDraft = "This request was changed in another window. Reload the page to continue from the latest draft.";
    public const string AlreadySubmitted = "This request was already submitted and can no longer be edited.";

    public Task<MobiLoudSubmission?> FindAsync(Guid resourceId, CancellationToken ct) =>
        db.MobiLoudSubmissions.AsNoTracking().FirstOrDefaultAsync(s => s.ResourceId == resourceId, ct);

    public static Dictionary<string, string> Values(MobiLoudSubmission? s) =>
        s is null ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(s.FormJson) ?? [];

    /// <summary>Saves the draft if it is still the version the page holds; returns the new version.</summary>
    public async Task<Outcome<uint>> SaveDraftAsync(Guid resourceId, uint version, Dictionary<string, string> values, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var row = await db.MobiLoudSubmissions.FirstOrDefaultAsync(s => s.ResourceId == resourceId, ct);
        if (row is null)
        {
            if (version != 0) return Failure.Conflict(StaleDraft);
            row = new MobiLoudSubmission { ResourceId = resourceId, Status = SubmissionStatus.Draft, FormJson = "{}", CreatedAt = now };
            db.MobiLoudSubmissions.Add(row);
        }
        else
        {
            if (row.Status == SubmissionStatus.Submitted) return Failure.Conflict(AlreadySubmitted);
            db.Entry(row).Property(s => s.Version).OriginalValue = version;
        }
        row.FormJson = JsonSerializer.Serialize(values);
        row.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (Exception e) when (e is DbUpdateConcurrencyException
            || e is DbUpdateException && e.IsUniqueViolation("ix_mobiloud_submissions_resource_id"))
        {
            return Failure.Conflict(StaleDraft);
        }
        return row.Version;
    }

    /// <summary>
    /// Freezes the request with the configuration and plan of this moment. The status compare-and-set makes a
    /// double submit (two tabs, a double click) submit once. The operators' email goes out after the commit:
    /// an outbox row in the same transaction starts <see cref="NotifyOperatorsJob"/>, which sets
    /// <see cref="MobiLoudSubmission.OperatorsNotifiedAt"/>.
    /// </summary>
    public async Task<Failure?> SubmitAsync(Resource resource, uint version, string actor, string? requestId, CancellationToken ct)
    {
        var app = await db.MobiLoudApps.AsNoTracking().FirstAsync(a => a.ResourceId == resource.Id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.MobiLoudSubmissions
            .Where(s => s.ResourceId == resource.Id && s.Status == SubmissionStatus.Draft && s.Version == version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(x => x.Status, SubmissionStatus.Submitted)
                .SetProperty(x => x.SubmittedAt, now)
                .SetProperty(x => x.UpdatedAt, now)
                .SetProperty(x => x.ConfigSnapshotJson, app.ConfigJson)
                .SetProperty(x => x.WebsiteUrlSnapshot, app.WebsiteUrl)
                .SetProperty(x => x.PlanSlugSnapshot, resource.PlanSlug), ct);
        if (changed == 0)
            return (await FindAsync(resource.Id, ct))?.Status == SubmissionStatus.Submitted ? Failure.Conflict(AlreadySubmitted) : Failure.Conflict(StaleDraft);
        var submissionId = await db.MobiLoudSubmissions.Where(s => s.ResourceId == resource.Id).Select(s => s.Id).SingleAsync(ct);
        db.Enqueue(NotifyOperatorsJob.Kind, submissionId.ToString(System.Globalization.CultureInfo.InvariantCulture), now);
        db.AuditLog.Add(AuditLog.Entry(now, actor, "mobiloud_publish_submitted", resource, after: resource.PlanSlug, requestId: requestId));
        AppLogs.AppLog.Write(db, resource.Id, now, $"MobiLoud publishing request submitted (status: submitted, plan {resource.PlanSlug}); our team reviews it and replies by email.");
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }
}
