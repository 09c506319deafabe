using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Security;

/// <summary>
/// The recurring re-alert (<see cref="ReportDeadlineJob"/>), driven directly with reports whose timestamps lie in the
/// past: one email to the security team per (report, passed deadline), however often and however concurrently it runs.
/// </summary>
public sealed class ReportDeadlineAlertTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private async Task<(Guid Id, string Reference)> InsertAsync(Guid resourceId, TimeSpan age, AdvisorySeverity? severity = null,
        TimeSpan? answeredAfter = null, SecurityReportStatus status = SecurityReportStatus.New)
    {
        var filed = DateTime.UtcNow - age;
        var (ack, resolve) = ReportClock.DeadlinesFor(filed, severity);
        var report = new SecurityReport
        {
            Id = Guid.NewGuid(), ResourceId = resourceId, ReporterEmail = "alerts@customer.example", Text = "alert me", CreatedAt = filed, UpdatedAt = filed,
            Status = status, Severity = severity, AcknowledgeBy = ack, ResolveBy = resolve, AcknowledgedAt = filed + answeredAfter,
        };
        await using var db = app.Db();
        db.SecurityReports.Add(report);
        await db.SaveChangesAsync();
        return (report.Id, SecurityReportService.Reference(report));
    }

    private async Task RunAlertsAsync(int concurrently)
    {
        var failures = await Task.WhenAll(Enumerable.Range(0, concurrently).Select(_ => app.RunJobAsync(AdvisoryJobs.ReportDeadlines, "")));
        Assert.All(failures, Assert.Null);
    }

    private List<string?> AlertSubjects(string reference) =>
        app.Smtp.Accepted.Where(m => m.Header("X-Security-Report") == reference)
            .Select(m => { Assert.Equal([AdminFixture.SecurityEmail], m.To); return m.Subject; }).ToList();

    [Fact]
    public async Task PassedDeadlines_AlertTheTeamExactlyOnceEach_EvenWhenTheJobRunsConcurrentlyAndAgain()
    {
        var resource = await app.ResourceAsync();
        var bothLate = await InsertAsync(resource.Id, TimeSpan.FromHours(30));                                   // untriaged: 4 h and 24 h both passed
        var answered = await InsertAsync(resource.Id, TimeSpan.FromHours(5), answeredAfter: TimeSpan.FromHours(1)); // replied in time, 24 h not yet
        var resolved = await InsertAsync(resource.Id, TimeSpan.FromHours(30), answeredAfter: TimeSpan.FromHours(1), status: SecurityReportStatus.Resolved);
        var unanswered = await InsertAsync(resource.Id, TimeSpan.FromHours(5));                                  // only the acknowledge deadline passed
        var rejectedSilently = await InsertAsync(resource.Id, TimeSpan.FromHours(30), status: SecurityReportStatus.Rejected); // closed, yet nobody replied
        var lowAndYoung = await InsertAsync(resource.Id, TimeSpan.FromHours(30), AdvisorySeverity.Low);          // 5 business days, 90 days

        await RunAlertsAsync(concurrently: 4);
        await RunAlertsAsync(concurrently: 1);
        Assert.Empty(await app.RunJobsAsync(times: 2)); // each mail job delivered twice, as a retry would

        await using (var db = app.Db())
        {
            var mine = new[] { bothLate.Id, answered.Id, resolved.Id, unanswered.Id, rejectedSilently.Id, lowAndYoung.Id };
            var rows = await db.SecurityReportMails.Where(m => mine.Contains(m.ReportId))
                .Select(m => new { m.ReportId, m.Kind, m.Status }).ToListAsync();
            Assert.Equal(4, rows.Count);
            Assert.All(rows, r => Assert.Equal(NotificationStatus.Sent, r.Status));
        }
        Assert.Equal(2, AlertSubjects(bothLate.Reference).Count);
        Assert.Single(AlertSubjects(bothLate.Reference), s => s!.StartsWith($"[{bothLate.Reference}] OVERDUE: no operator reply by", StringComparison.Ordinal));
        Assert.Single(AlertSubjects(bothLate.Reference), s => s!.StartsWith($"[{bothLate.Reference}] OVERDUE: not resolved by", StringComparison.Ordinal));
        Assert.Single(AlertSubjects(unanswered.Reference), s => s!.Contains("no operator reply", StringComparison.Ordinal));
        Assert.Single(AlertSubjects(rejectedSilently.Reference), s => s!.Contains("no operator reply", StringComparison.Ordinal));
        Assert.Empty(AlertSubjects(answered.Reference));
        Assert.Empty(AlertSubjects(resolved.Reference));
        Assert.Empty(AlertSubjects(lowAndYoung.Reference));

        // Triage moves the unanswered report's deadline into the future: nothing more. When the new one passes, one more alert.
        using (var triage = await app.SendAsync(HttpMethod.Patch, $"/admin/security-reports/{unanswered.Id}", new { severity = "medium" }))
            await triage.ExpectAsync(HttpStatusCode.OK);
        await RunAlertsAsync(concurrently: 2);
        Assert.Empty(await app.RunJobsAsync());
        Assert.Single(AlertSubjects(unanswered.Reference));
        var moved = DateTime.UtcNow.AddMinutes(-1);
        await using (var db = app.Db())
            await db.SecurityReports.Where(r => r.Id == unanswered.Id).ExecuteUpdateAsync(u => u.SetProperty(r => r.AcknowledgeBy, moved));
        await RunAlertsAsync(concurrently: 3);
        Assert.Empty(await app.RunJobsAsync(times: 2));
        Assert.Equal(2, AlertSubjects(unanswered.Reference).Count);
    }

    [Fact]
    public async Task AnAlertWhoseDeadlineWasMetBeforeItWentOut_IsWithheld()
    {
        var resource = await app.ResourceAsync();
        var late = await InsertAsync(resource.Id, TimeSpan.FromHours(5));
        await RunAlertsAsync(concurrently: 1);
        using (var reply = await app.SendAsync(HttpMethod.Post, $"/admin/security-reports/{late.Id}/replies", new { body = "Looking." }))
            await reply.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Empty(await app.RunJobsAsync());
        Assert.Empty(AlertSubjects(late.Reference));
        await using var db = app.Db();
        var alert = await db.SecurityReportMails.SingleAsync(m => m.ReportId == late.Id);
        Assert.Equal((SecurityReportMailKind.AcknowledgeOverdue, NotificationStatus.Withheld), (alert.Kind, alert.Status));
    }
}
