using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Errors;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.MobiLoud;

public sealed record SubmissionSummary(long Id, Guid ResourceId, string? ResourceName, string? AppName, string Status, string Review,
    DateTime? SubmittedAt, DateTime UpdatedAt);

/// <summary>A submitted request as the customer froze it: the form, and the app configuration, website and plan of that moment.</summary>
public sealed record SubmissionDetail(long Id, Guid ResourceId, string? ResourceName, string? OwnerEmail, string Status, string Review,
    string? ReviewedBy, DateTime? ReviewUpdatedAt, DateTime? SubmittedAt, string? WebsiteUrl, string? Plan,
    IReadOnlyDictionary<string, string> Form, JsonElement? Config);

/// <summary>The body of POST /admin/mobiloud/submissions/{id}/status.</summary>
public sealed record ReviewRequest(string? Status);

/// <summary>
/// Operators' handling of publishing requests, for the admin API and the console alike: new → in progress → done, and
/// "reopen for editing" (the customer's submitted form becomes an editable draft again). Transitions are compare-and-set.
/// </summary>
public sealed class SubmissionReviewService(AddonDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlyList<string> Reviews = Enum.GetValues<SubmissionReview>().Select(r => r.Name()).ToList();

    public async Task<Outcome<Paged<SubmissionSummary>>> ListAsync(string? review, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } bad) return bad;
        var q = db.MobiLoudSubmissions.AsNoTracking().Where(s => s.Status == SubmissionStatus.Submitted);
        if (review is { Length: > 0 })
        {
            if (SubmissionReviews.Parse(review) is not { } wanted) return Failure.BadRequest($"status must be one of {string.Join(", ", Reviews)}.");
            q = wanted == SubmissionReview.New ? q.Where(s => s.Review == null || s.Review == wanted) : q.Where(s => s.Review == wanted);
        }
        var rows = await (from s in q
                          join r in db.Resources on s.ResourceId equals r.Id
                          orderby s.SubmittedAt descending, s.Id
                          select new { s, r.Name }).ToPageAsync(page, pageSize, ct);
        return new Paged<SubmissionSummary>(rows.Items.Select(x => new SubmissionSummary(x.s.Id, x.s.ResourceId, x.Name,
            PublishingService.Values(x.s).GetValueOrDefault("app_name"), x.s.Status.Stored(), (x.s.Review ?? SubmissionReview.New).Name(),
            x.s.SubmittedAt, x.s.UpdatedAt)).ToList(), rows.Page, rows.PageSize, rows.Total);
    }

    public async Task<Outcome<SubmissionDetail>> DetailAsync(long id, CancellationToken ct)
    {
        var row = await (from x in db.MobiLoudSubmissions.AsNoTracking()
                         join r in db.Resources on x.ResourceId equals r.Id
                         where x.Id == id
                         select new { x, r.Name, r.OwnerEmail }).SingleOrDefaultAsync(ct);
        if (row is null) return Failure.NotFound($"No publishing request {id}.");
        var s = row.x;
        JsonElement? config = s.ConfigSnapshotJson is null ? null : JsonDocument.Parse(s.ConfigSnapshotJson).RootElement.Clone();
        return new SubmissionDetail(s.Id, s.ResourceId, row.Name, row.OwnerEmail, s.Status.Stored(), (s.Review ?? SubmissionReview.New).Name(),
            s.ReviewedBy, s.ReviewUpdatedAt, s.SubmittedAt, s.WebsiteUrlSnapshot, s.PlanSlugSnapshot, PublishingService.Values(s), config);
    }

    /// <summary>Moves a submitted request one step on (new → in_progress → done); the same status again changes nothing.</summary>
    public async Task<Outcome<SubmissionDetail>> SetReviewAsync(long id, string? status, string actor, string? requestId, CancellationToken ct)
    {
        if (SubmissionReviews.Parse(status?.Trim()) is not { } target) return Failure.BadRequest($"status must be one of {string.Join(", ", Reviews)}.");
        var row = await db.MobiLoudSubmissions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null) return Failure.NotFound($"No publishing request {id}.");
        if (row.Status != SubmissionStatus.Submitted)
            return Failure.Conflict("This request is a draft (not submitted, or reopened for editing); it has no status until the customer submits it.");
        var current = row.Review ?? SubmissionReview.New;
        if (current == target) return await DetailAsync(id, ct);
        SubmissionReview? expected = target switch
        {
            SubmissionReview.InProgress => SubmissionReview.New,
            SubmissionReview.Done => SubmissionReview.InProgress,
            _ => null,
        };
        if (expected != current)
            return Failure.Conflict($"A request goes new → in_progress → done; this one is {current.Name()}, so it cannot become {target.Name()}.");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var matches = db.MobiLoudSubmissions.Where(s => s.Id == id && s.Status == SubmissionStatus.Submitted);
        matches = expected == SubmissionReview.New ? matches.Where(s => s.Review == null || s.Review == SubmissionReview.New) : matches.Where(s => s.Review == expected);
        var changed = await matches.ExecuteUpdateAsync(s => s.SetProperty(x => x.Review, target)
            .SetProperty(x => x.ReviewUpdatedAt, now).SetProperty(x => x.ReviewedBy, actor), ct);
        if (changed == 0) return Failure.Conflict("The request changed meanwhile; reload it.");
        await AuditAsync(row.ResourceId, now, actor, "mobiloud_submission_status", current.Name(), target.Name(), requestId, ct);
        await tx.CommitAsync(ct);
        return await DetailAsync(id, ct);
    }

    /// <summary>
    /// The customer asked support to change a submitted form: it becomes their editable draft again, with what they typed.
    /// A later submit freezes it anew, restarts the status at new and emails the operators again.
    /// </summary>
    public async Task<Outcome<SubmissionDetail>> ReopenAsync(long id, string actor, string? requestId, CancellationToken ct)
    {
        var row = await db.MobiLoudSubmissions.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (row is null) return Failure.NotFound($"No publishing request {id}.");
        if (row.Status == SubmissionStatus.Draft) return await DetailAsync(id, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.MobiLoudSubmissions.Where(s => s.Id == id && s.Status == SubmissionStatus.Submitted)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SubmissionStatus.Draft).SetProperty(x => x.SubmittedAt, (DateTime?)null)
                .SetProperty(x => x.Review, (SubmissionReview?)null).SetProperty(x => x.ReviewUpdatedAt, now).SetProperty(x => x.ReviewedBy, actor)
                .SetProperty(x => x.OperatorsNotifiedAt, (DateTime?)null).SetProperty(x => x.OperatorsNotifyClaimedAt, (DateTime?)null)
                .SetProperty(x => x.UpdatedAt, now), ct);
        if (changed == 0) return await DetailAsync(id, ct); // reopened by someone else meanwhile: the same end state
        await AuditAsync(row.ResourceId, now, actor, "mobiloud_submission_reopen", (row.Review ?? SubmissionReview.New).Name(), "draft", requestId, ct);
        await tx.CommitAsync(ct);
        return await DetailAsync(id, ct);
    }

    private async Task AuditAsync(Guid resourceId, DateTime now, string actor, string action, string before, string after, string? requestId, CancellationToken ct)
    {
        var resource = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == resourceId, ct);
        db.AuditLog.Add(AuditLog.Entry(now, actor, action, resource, before, after, requestId));
        await db.SaveChangesAsync(ct);
    }
}
