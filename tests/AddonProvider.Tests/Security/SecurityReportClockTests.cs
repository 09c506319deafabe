using System.Net;
using System.Text;
using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Security;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace AddonProvider.Tests.Security;

/// <summary>
/// A customer's report from the dashboard to the security team's inbox, the verified reporter's acknowledgement, triage,
/// the operator's reply and the clock, over real HTTP, real SMTP (<see cref="SmtpListener"/>) and PostgreSQL.
/// </summary>
public sealed class SecurityReportClockTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private static MimeMessage Parse(SmtpListener.Message m) => MimeMessage.Load(new MemoryStream(Encoding.Latin1.GetBytes(m.Raw)));

    private List<SmtpListener.Message> AboutReport(string reference) =>
        app.Smtp.Accepted.Where(m => m.Header("X-Security-Report") == reference).ToList();

    private async Task<(Guid Id, string Reference)> FileAsync(HttpClient customer, Guid resourceId, Dictionary<string, string> fields)
    {
        var form = $"/dashboard/{resourceId}/security/report";
        using var sent = await AppFixture.PostFormAsync(customer, form, form, fields);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var page = sent.Headers.Location!.OriginalString;
        var id = Guid.Parse(page[(page.LastIndexOf('/') + 1)..]);
        await using var db = app.Db();
        return (id, SecurityReportService.Reference(await db.SecurityReports.SingleAsync(r => r.Id == id)));
    }

    private static bool Absent(JsonElement item, string name) => !item.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null;

    private async Task<JsonElement> QueueItemAsync(Guid resourceId, Guid reportId)
    {
        using var list = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports?resourceId={resourceId}");
        return (await list.ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Single(i => i.GetProperty("id").GetGuid() == reportId);
    }

    [Fact]
    public async Task NewReport_EmailsTheTeamAndAcknowledgesTheVerifiedReporter_ThenTriageAndAnOperatorReplyMeetTheClock()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var password = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_PASSWORD").GetString()!;
        var reporter = $"rita-{Guid.NewGuid():N}@customer.example";
        var customer = await app.SsoLoginAsync(id, email: reporter);
        Assert.Contains("id=\"report-severity\"", await customer.GetStringAsync($"/dashboard/{id}/security/report"));

        var (reportId, reference) = await FileAsync(customer, id, new() { ["text"] = "Topic ACLs let me read another tenant's data.",
            ["reporter_email"] = reporter, ["reporter_name"] = "Rita", ["severity"] = "high" });
        Assert.Matches(@"^SR-\d{4}-\d{4,}$", reference);
        var page = WebUtility.HtmlDecode(await customer.GetStringAsync($"/dashboard/{id}/security/reports/{reportId}"));
        Assert.Contains(reference, page);

        // Run every job twice: a retried job must not send again.
        Assert.Empty(await app.RunJobsAsync(times: 2));
        var mails = AboutReport(reference);
        Assert.Equal(2, mails.Count);
        var team = Parse(Assert.Single(mails, m => m.To.SequenceEqual([AdminFixture.SecurityEmail])));
        Assert.Equal($"[{reference}] New security report (reporter suggests high)", team.Subject);
        Assert.Contains("> Topic ACLs let me read another tenant's data.", team.TextBody);
        Assert.Contains($"{reporter} (verified", team.TextBody);
        Assert.Contains("Severity: untriaged (counts as critical)", team.TextBody);
        Assert.Contains($"/admin/security-reports/{reportId}", team.TextBody);
        var ack = Parse(Assert.Single(mails, m => m.To.SequenceEqual([reporter])));
        Assert.Equal($"We received your security report {reference}", ack.Subject);
        Assert.Contains($"/dashboard/{id}/security/reports/{reportId}", ack.TextBody);
        Assert.DoesNotContain("another tenant", ack.TextBody); // the acknowledgement quotes nothing
        foreach (var m in mails) Assert.DoesNotContain(password, m.Raw); // no secret of the resource in any of them

        // The automatic acknowledgement is not an operator's reply: untriaged, the critical clock runs.
        var item = await QueueItemAsync(id, reportId);
        var created = item.GetProperty("createdAt").GetDateTime();
        Assert.True(Absent(item, "acknowledgedAt"), $"acknowledgedAt set by the automatic acknowledgement: {item}");
        Assert.True(Absent(item, "severity"), $"untriaged has no severity: {item}");
        Assert.Equal(("high", "critical", reference), (item.GetProperty("suggestedSeverity").GetString(), item.GetProperty("effectiveSeverity").GetString(), item.GetProperty("reference").GetString()));
        Assert.Equal(created.AddHours(4), item.GetProperty("acknowledgeBy").GetDateTime());
        Assert.Equal(created.AddHours(24), item.GetProperty("resolveBy").GetDateTime());
        Assert.False(item.GetProperty("overdue").GetBoolean());

        // Triage: an operator sets the severity; both deadlines follow it.
        using (var bad = await app.SendAsync(HttpMethod.Patch, $"/admin/security-reports/{reportId}", new { severity = "urgent" }))
            await bad.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "severity must be one of critical, high, medium, low");
        using (var triage = await app.SendAsync(HttpMethod.Patch, $"/admin/security-reports/{reportId}", new { severity = "high", status = "triaged" }))
        {
            var triaged = await triage.ExpectAsync(HttpStatusCode.OK);
            Assert.Equal(("high", "triaged"), (triaged.GetProperty("severity").GetString(), triaged.GetProperty("status").GetString()));
            Assert.Equal(ReportClock.AddBusinessDays(created, 1), triaged.GetProperty("acknowledgeBy").GetDateTime());
            Assert.Equal(created.AddDays(7), triaged.GetProperty("resolveBy").GetDateTime());
        }

        // Let the acknowledge deadline pass unanswered (the clock's own arithmetic is ReportClockTests'): overdue.
        await using (var db = app.Db())
            await db.SecurityReports.Where(r => r.Id == reportId).ExecuteUpdateAsync(u => u.SetProperty(r => r.AcknowledgeBy, DateTime.UtcNow.AddMinutes(-1)));
        item = await QueueItemAsync(id, reportId);
        Assert.True(item.GetProperty("overdue").GetBoolean());
        Assert.Equal(["acknowledge"], item.GetProperty("overdueDeadlines").EnumerateArray().Select(e => e.GetString()));

        using (var reply = await app.SendAsync(HttpMethod.Post, $"/admin/security-reports/{reportId}/replies", new { body = "Confirmed; we are on it." }))
            Assert.Equal("pending", (await reply.ExpectAsync(HttpStatusCode.Accepted)).GetProperty("status").GetString());
        Assert.Empty(await app.RunJobsAsync());
        var answer = Parse(Assert.Single(app.Smtp.AcceptedFor(reporter), m => m.MessageId?.StartsWith("<report-reply-", StringComparison.Ordinal) == true));
        Assert.Contains("Confirmed; we are on it.", answer.TextBody);

        item = await QueueItemAsync(id, reportId);
        Assert.False(item.GetProperty("overdue").GetBoolean());
        Assert.Empty(item.GetProperty("overdueDeadlines").EnumerateArray());
        Assert.False(Absent(item, "acknowledgedAt"), $"the operator's reply acknowledged the report: {item}");
        await using (var db = app.Db())
        {
            var audit = (await db.AuditLog.Where(a => a.Action == "security-report.triage").ToListAsync()).Single(a => a.Detail!.Contains(reportId.ToString()));
            Assert.StartsWith("admin:", audit.Actor);
            var severity = JsonDocument.Parse(audit.Detail!).RootElement.GetProperty("severity");
            Assert.Equal((JsonValueKind.Null, "high"), (severity.GetProperty("before").ValueKind, severity.GetProperty("after").GetString()));
        }
    }

    [Fact]
    public async Task OpenApi_DescribesTheTriageSeverityAndTheOverdueFilter()
    {
        using var response = await app.SendAsync(HttpMethod.Get, "/admin/openapi/admin.json");
        var doc = await response.ExpectAsync(HttpStatusCode.OK);
        var list = doc.GetProperty("paths").GetProperty("/admin/security-reports").GetProperty("get");
        Assert.Contains("overdue", list.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.True(doc.GetProperty("components").GetProperty("schemas").GetProperty("TriageInput").GetProperty("properties").TryGetProperty("severity", out _));
        foreach (var field in new[] { "reference", "acknowledgeBy", "resolveBy", "overdue", "overdueDeadlines", "effectiveSeverity" })
            Assert.True(doc.GetProperty("components").GetProperty("schemas").GetProperty("ReportView").GetProperty("properties").TryGetProperty(field, out _), field);
    }

    [Fact]
    public async Task NewReport_FromAnUnverifiedAddress_AlertsTheTeam_ButAcknowledgesOnlyOnThePage()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var customer = await app.SsoLoginAsync(id);
        var typed = $"someone-{Guid.NewGuid():N}@elsewhere.example";
        var (reportId, reference) = await FileAsync(customer, id, new() { ["text"] = "XSS in the app config preview.", ["reporter_email"] = typed });
        var page = WebUtility.HtmlDecode(await customer.GetStringAsync($"/dashboard/{id}/security/reports/{reportId}"));
        Assert.Contains($"reference <code id=\"report-reference\">{reference}</code>", page);

        Assert.Empty(await app.RunJobsAsync());
        var mail = Assert.Single(AboutReport(reference));
        Assert.Equal([AdminFixture.SecurityEmail], mail.To);
        Assert.Contains("not verified", Parse(mail).TextBody);
        Assert.Empty(app.Smtp.AcceptedFor(typed));
        await using var db = app.Db();
        Assert.Equal([SecurityReportMailKind.NewReport], await db.SecurityReportMails.Where(m => m.ReportId == reportId).Select(m => m.Kind).ToListAsync());
    }

    [Fact]
    public async Task NewReport_WithAnUnknownSuggestedSeverity_Is422AndStoresNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var customer = await app.SsoLoginAsync(id);
        var form = $"/dashboard/{id}/security/report";
        using var sent = await AppFixture.PostFormAsync(customer, form, form, new Dictionary<string, string> { ["text"] = "x", ["reporter_email"] = AppFixture.UserEmail, ["severity"] = "apocalyptic" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, sent.StatusCode);
        Assert.Contains("The severity must be one of critical, high, medium, low", WebUtility.HtmlDecode(await sent.Content.ReadAsStringAsync()));
        await using var db = app.Db();
        Assert.False(await db.SecurityReports.AnyAsync(r => r.ResourceId == id));
        Assert.False(await db.Outbox.AnyAsync(m => m.Kind == AdvisoryJobs.ReportMail && m.DispatchedAt == null));
    }

    [Fact]
    public async Task Triage_WithAnOperatorOnlyToken_Is403AndChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var (reportId, _) = await FileAsync(await app.SsoLoginAsync(id), id, new() { ["text"] = "Role check.", ["reporter_email"] = AppFixture.UserEmail });
        using (var triage = await app.SendAsync(HttpMethod.Patch, $"/admin/security-reports/{reportId}", new { severity = "low", status = "resolved" }, role: AdminRoles.Operator))
            Assert.Equal(HttpStatusCode.Forbidden, triage.StatusCode);
        using (var reply = await app.SendAsync(HttpMethod.Post, $"/admin/security-reports/{reportId}/replies", new { body = "hi" }, role: AdminRoles.Operator))
            Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        await using var db = app.Db();
        var report = await db.SecurityReports.SingleAsync(r => r.Id == reportId);
        Assert.Equal((null, SecurityReportStatus.New, null), (report.Severity, report.Status, report.AcknowledgedAt));
        Assert.False(await db.SecurityReportReplies.AnyAsync(r => r.ReportId == reportId));
    }

    [Fact]
    public async Task Queue_IsOrderedByTheNearestUnmetDeadline_OverdueFirst_AndFiltersOverdue()
    {
        var resource = await app.ResourceAsync();
        var now = DateTime.UtcNow;
        async Task<Guid> InsertAsync(DateTime filed, AdvisorySeverity? severity, DateTime? acknowledgedAt = null, SecurityReportStatus status = SecurityReportStatus.New)
        {
            var (ack, resolve) = ReportClock.DeadlinesFor(filed, severity);
            var r = new SecurityReport { Id = Guid.NewGuid(), ResourceId = resource.Id, ReporterEmail = "q@example.com", Text = "q", CreatedAt = filed, UpdatedAt = filed,
                Status = status, Severity = severity, AcknowledgeBy = ack, ResolveBy = resolve, AcknowledgedAt = acknowledgedAt };
            await using var db = app.Db();
            db.SecurityReports.Add(r);
            await db.SaveChangesAsync();
            return r.Id;
        }
        var mediumFresh = await InsertAsync(now.AddMinutes(-1), AdvisorySeverity.Medium);                // acknowledge within 2 business days (at most 5 calendar days)
        var criticalLate = await InsertAsync(now.AddHours(-5), null);                                  // acknowledge 1 h ago: overdue
        var answeredHigh = await InsertAsync(now.AddHours(-2), AdvisorySeverity.High, now.AddHours(-1)); // resolve in 7 days less 2 hours
        var closed = await InsertAsync(now.AddDays(-40), AdvisorySeverity.Medium, now.AddDays(-39), SecurityReportStatus.Resolved);
        var criticalFresh = await InsertAsync(now.AddMinutes(-10), null);                              // acknowledge in ~4 h

        using var list = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports?resourceId={resource.Id}");
        var items = (await list.ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal([criticalLate, criticalFresh, mediumFresh, answeredHigh, closed], items.Select(i => i.GetProperty("id").GetGuid()));
        Assert.Equal([true, false, false, false, false], items.Select(i => i.GetProperty("overdue").GetBoolean()));

        using var overdue = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports?resourceId={resource.Id}&overdue=true");
        Assert.Equal([criticalLate], (await overdue.ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
        using var status = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports?resourceId={resource.Id}&status=resolved");
        Assert.Equal([closed], (await status.ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
    }
}
