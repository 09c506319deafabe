using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Security;

public sealed record ReportInput(string? Text, string? ReporterEmail, string? ReporterName, string? Severity = null);
public sealed record TriageInput(string? Status, string? Notes, string? Severity = null);
public sealed record ReplyInput(string? Body);
public sealed record ReplyView(long Id, string Author, string? ToEmail, string Body, string Status, int Attempts, string? LastError, DateTime CreatedAt, DateTime? SentAt);

/// <param name="Reference">The human reference, <c>SR-&lt;year&gt;-&lt;number&gt;</c>, in every email about the report.</param>
/// <param name="Severity">Set by an operator at triage; null while untriaged (which counts as critical: <paramref name="EffectiveSeverity"/>).</param>
/// <param name="OverdueDeadlines">Which unmet deadlines have passed: <c>acknowledge</c>, <c>resolve</c>.</param>
public sealed record ReportView(Guid Id, Guid? ResourceId, string ReporterEmail, bool ReporterEmailVerified, string? ReporterName, string Text, string Status,
    string? Notes, DateTime CreatedAt, DateTime UpdatedAt, string Reference, string? SuggestedSeverity, string? Severity, string EffectiveSeverity,
    DateTime AcknowledgeBy, DateTime ResolveBy, DateTime? AcknowledgedAt, bool Overdue, IReadOnlyList<string> OverdueDeadlines,
    IReadOnlyList<ReplyView>? Replies = null);

/// <summary>Who files a report from a dashboard session: the SSO-verified email (null when unverified) and the audit actor.</summary>
public sealed record Reporter(string? VerifiedEmail, string Actor);

/// <summary>
/// Security concerns customers report, and the operators' triage of them (severity, status, notes, replies). A new
/// report alerts the security team (SECURITY_EMAIL) and acknowledges a verified reporter by email, both through
/// <see cref="SecurityReportMail"/> rows written in the report's transaction. A reply is mailed only to a verified
/// address — the reporting user's SSO-verified email or the resource's owner email from the Platform API — so a typed
/// address cannot make our security mailbox send the reporter's text to a third party. Every reply is also shown on
/// the report's dashboard page. The first operator reply meets the acknowledge deadline (<see cref="ReportClock"/>).
/// </summary>
public sealed class SecurityReportService(AddonDbContext db, TimeProvider clock, ReportClock deadlines)
{
    public const int MaxText = 20_000;
    public const string SeverityChoices = "critical, high, medium, low";

    public async Task<Outcome<ReportView>> SubmitAsync(Guid resourceId, Reporter who, ReportInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Text)) return Failure.Unprocessable("text is required: describe the concern.");
        if (input.Text.Length > MaxText) return Failure.Unprocessable($"text must be at most {MaxText:N0} characters.");
        if (!TryParseSeverity(input.Severity, out var suggested)) return Failure.Unprocessable($"severity must be one of {SeverityChoices} (or left out).");
        var email = (input.ReporterEmail ?? who.VerifiedEmail)?.Trim();
        if (email is null || !MimeKit.MailboxAddress.TryParse(email, out var box) || !box.Address.Contains('@') || box.Address.Length > 320)
            return Failure.Unprocessable("reporterEmail is required (we answer by email) and must be an email address.");
        // An unverified session proves no address at all; a verified one proves its own, and the owner's is Heroku's.
        var verified = false;
        if (who.VerifiedEmail is { } sessionEmail)
        {
            var owner = await db.Resources.Where(r => r.Id == resourceId).Select(r => r.OwnerEmail).SingleOrDefaultAsync(ct);
            verified = SameAddress(box.Address, sessionEmail) || (owner is not null && SameAddress(box.Address, owner));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var (ackBy, resolveBy) = ReportClock.DeadlinesFor(now, severity: null); // untriaged counts as critical
        var report = new SecurityReport
        {
            Id = Guid.NewGuid(), ResourceId = resourceId, ReporterEmail = box.Address, ReporterEmailVerified = verified,
            ReporterName = input.ReporterName?.Trim() is { Length: > 0 } n ? n[..Math.Min(200, n.Length)] : null,
            Text = input.Text.Trim(), Status = SecurityReportStatus.New, CreatedAt = now, UpdatedAt = now,
            SuggestedSeverity = suggested, AcknowledgeBy = ackBy, ResolveBy = resolveBy,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.SecurityReports.Add(report);
        var audit = AuditLog.Entry(now, who.Actor, "security-report.submit", null, detail: Detail(report.Id));
        audit.ResourceId = resourceId;
        db.AuditLog.Add(audit);
        List<SecurityReportMail> mails = [ReportMails.Add(db, report.Id, SecurityReportMailKind.NewReport, null, now)];
        if (verified) mails.Add(ReportMails.Add(db, report.Id, SecurityReportMailKind.Acknowledgement, null, now));
        await db.SaveChangesAsync(ct); // the mails' ids are the jobs' arguments
        foreach (var m in mails) ReportMails.Enqueue(db, m, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return View(report, deadlines.Evaluate(report));
    }

    public async Task<Outcome<ReportView>> TriageAsync(Guid id, TriageInput input, string actor, string? requestId, CancellationToken ct)
    {
        SecurityReportStatus? status = null;
        if (input.Status is not null)
        {
            if (Enum.GetNames<SecurityReportStatus>().FirstOrDefault(s => s.Equals(input.Status, StringComparison.OrdinalIgnoreCase)) is not { } name)
                return Failure.Unprocessable("status must be one of new, triaged, resolved, rejected.");
            status = Enum.Parse<SecurityReportStatus>(name);
        }
        if (input.Severity is { } given && (string.IsNullOrWhiteSpace(given) || !TryParseSeverity(given, out _)))
            return Failure.Unprocessable($"severity must be one of {SeverityChoices}.");
        TryParseSeverity(input.Severity, out var severity);
        if (input.Notes is { Length: > MaxText }) return Failure.Unprocessable($"notes must be at most {MaxText:N0} characters.");
        var report = await db.SecurityReports.SingleOrDefaultAsync(r => r.Id == id, ct);
        if (report is null) return Failure.NotFound($"No security report {id}.");
        var before = report.Status.ToString().ToLowerInvariant();
        var severityBefore = report.Severity?.Stored();
        var now = clock.GetUtcNow().UtcDateTime;
        if (status is { } s) report.Status = s;
        if (severity is { } sev)
        {
            report.Severity = sev;
            (report.AcknowledgeBy, report.ResolveBy) = ReportClock.DeadlinesFor(report.CreatedAt, sev);
        }
        if (input.Notes is not null) report.Notes = input.Notes;
        report.UpdatedAt = now;
        var detail = JsonSerializer.Serialize(new { reportId = id, severity = new { before = severityBefore, after = report.Severity?.Stored() } });
        db.AuditLog.Add(AuditLog.Entry(now, actor, "security-report.triage", null, before, report.Status.ToString().ToLowerInvariant(), requestId, detail));
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateConcurrencyException) { return Failure.Conflict("The report changed while you edited it; reload and try again."); }
        return View(report, deadlines.Evaluate(report));
    }

    /// <summary>
    /// Records the reply and, in the same transaction, the job that emails it — only when the report's address is
    /// verified; otherwise the reply is <c>withheld</c> (no address, no job) and shown on the dashboard only. The first
    /// reply acknowledges the report (its acknowledge deadline is met).
    /// </summary>
    public async Task<Outcome<ReplyView>> ReplyAsync(Guid id, ReplyInput input, string actor, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Body)) return Failure.Unprocessable("body is required.");
        if (input.Body.Length > MaxText) return Failure.Unprocessable($"body must be at most {MaxText:N0} characters.");
        var report = await db.SecurityReports.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (report is null) return Failure.NotFound($"No security report {id}.");
        var now = clock.GetUtcNow().UtcDateTime;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var mailed = report.ReporterEmailVerified;
        var reply = new SecurityReportReply
        {
            ReportId = id, Author = actor, ToEmail = mailed ? report.ReporterEmail : null, Body = input.Body.Trim(),
            Status = mailed ? NotificationStatus.Pending : NotificationStatus.Withheld, CreatedAt = now,
        };
        db.SecurityReportReplies.Add(reply);
        await db.SaveChangesAsync(ct); // the reply's id is the job's argument
        if (mailed) db.Enqueue(AdvisoryJobs.ReportReply, reply.Id.ToString(), now);
        db.AuditLog.Add(AuditLog.Entry(now, actor, "security-report.reply", null, requestId: requestId, detail: Detail(id)));
        await db.SaveChangesAsync(ct);
        await db.SecurityReports.Where(r => r.Id == id && r.AcknowledgedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.AcknowledgedAt, now), ct);
        await tx.CommitAsync(ct);
        return ReplyOf(reply);
    }

    /// <summary>
    /// The triage queue: ordered by the nearest unmet deadline (an unanswered report's acknowledge deadline, else an open
    /// report's fix-or-mitigate deadline — the acknowledge deadline always comes first), so overdue reports lead; reports
    /// with every deadline met follow, newest first. <paramref name="overdue"/> keeps only reports with (or without) a
    /// passed, unmet deadline.
    /// </summary>
    public async Task<Outcome<Paged<ReportView>>> QueueAsync(string? status, Guid? resourceId, bool? overdue, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Check(page, pageSize) is { } bad) return bad;
        var q = db.SecurityReports.AsNoTracking();
        if (status is not null)
        {
            if (!Enum.GetNames<SecurityReportStatus>().Any(n => n.Equals(status, StringComparison.OrdinalIgnoreCase)))
                return Failure.BadRequest("status must be one of new, triaged, resolved, rejected.");
            var s = Enum.Parse<SecurityReportStatus>(status, ignoreCase: true);
            q = q.Where(r => r.Status == s);
        }
        if (resourceId is { } rid) q = q.Where(r => r.ResourceId == rid);
        var now = clock.GetUtcNow().UtcDateTime;
        if (overdue is { } o)
            q = q.Where(r => ((r.AcknowledgedAt == null && r.AcknowledgeBy < now)
                || (r.Status != SecurityReportStatus.Resolved && r.Status != SecurityReportStatus.Rejected && r.ResolveBy < now)) == o);
        var rows = await q
            .OrderBy(r => r.AcknowledgedAt == null ? r.AcknowledgeBy
                : r.Status != SecurityReportStatus.Resolved && r.Status != SecurityReportStatus.Rejected ? r.ResolveBy : null)
            .ThenByDescending(r => r.CreatedAt)
            .ToPageAsync(page, pageSize, ct);
        return new Paged<ReportView>(rows.Items.Select(r => View(r, deadlines.Evaluate(r))).ToList(), rows.Page, rows.PageSize, rows.Total);
    }

    public async Task<ReportView?> GetAsync(Guid id, CancellationToken ct)
    {
        var report = await db.SecurityReports.AsNoTracking().SingleOrDefaultAsync(r => r.Id == id, ct);
        if (report is null) return null;
        var replies = await db.SecurityReportReplies.AsNoTracking().Where(r => r.ReportId == id).OrderBy(r => r.Id).ToListAsync(ct);
        return View(report, deadlines.Evaluate(report)) with { Replies = replies.Select(ReplyOf).ToList() };
    }

    /// <summary>The reports filed from one resource's dashboard, newest first (the customer's list of them).</summary>
    public async Task<List<ReportView>> ForResourceAsync(Guid resourceId, CancellationToken ct) =>
        (await db.SecurityReports.AsNoTracking().Where(r => r.ResourceId == resourceId).OrderByDescending(r => r.CreatedAt).Take(50).ToListAsync(ct))
        .Select(r => View(r, deadlines.Evaluate(r))).ToList();

    public static ReportView View(SecurityReport r, ReportDeadlines d) => new(r.Id, r.ResourceId, r.ReporterEmail, r.ReporterEmailVerified, r.ReporterName, r.Text,
        r.Status.ToString().ToLowerInvariant(), r.Notes, r.CreatedAt, r.UpdatedAt, Reference(r), r.SuggestedSeverity?.Stored(), r.Severity?.Stored(),
        ReportClock.Effective(r.Severity).Stored(), d.AcknowledgeBy, d.ResolveBy, r.AcknowledgedAt, d.Overdue, d.OverdueDeadlines);

    /// <summary><c>SR-2026-0042</c>: the year it was filed and its number (a row without one, from mid-release, shows its id's start).</summary>
    public static string Reference(SecurityReport r) =>
        r.Number is { } n ? $"SR-{r.CreatedAt.Year}-{n:D4}" : $"SR-{r.CreatedAt.Year}-{r.Id.ToString()[..8]}";

    public static bool TryParseSeverity(string? value, out AdvisorySeverity? severity)
    {
        severity = null;
        if (string.IsNullOrWhiteSpace(value)) return true;
        if (!Enum.TryParse<AdvisorySeverity>(value.Trim(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed) || value.Trim().All(char.IsDigit)) return false;
        severity = parsed;
        return true;
    }

    private static bool SameAddress(string a, string b) => string.Equals(a.Trim(), b.Trim(), StringComparison.OrdinalIgnoreCase);

    public static ReplyView ReplyOf(SecurityReportReply r) => new(r.Id, r.Author, r.ToEmail, r.Body, r.Status.ToString().ToLowerInvariant(),
        r.Attempts, r.LastError, r.CreatedAt, r.SentAt);

    private static string Detail(Guid reportId) => JsonSerializer.Serialize(new { reportId });
}
