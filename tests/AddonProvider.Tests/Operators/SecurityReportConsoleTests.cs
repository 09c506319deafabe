using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Operators;

/// <summary>The console's security report pages over HTTP: the queue, triage and reply, and their role and CSRF negatives.</summary>
public sealed class SecurityReportConsoleTests(OperatorsFixture app) : IClassFixture<OperatorsFixture>
{
    private async Task<Guid> ReportAsync(TimeSpan age, bool verified = true)
    {
        var resource = await app.ResourceAsync();
        var filed = DateTime.UtcNow - age;
        var (ack, resolve) = ReportClock.DeadlinesFor(filed, null);
        var report = new SecurityReport
        {
            Id = Guid.NewGuid(), ResourceId = resource.Id, ReporterEmail = $"r-{Guid.NewGuid():N}@customer.example", ReporterEmailVerified = verified,
            Text = "The <b>admin</b> page leaks tokens.", CreatedAt = filed, UpdatedAt = filed, Status = SecurityReportStatus.New, AcknowledgeBy = ack, ResolveBy = resolve,
        };
        await using var db = app.Db();
        db.SecurityReports.Add(report);
        await db.SaveChangesAsync();
        return report.Id;
    }

    private async Task<SecurityReport> RowAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.SecurityReports.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    [Fact]
    public async Task SecurityOperator_SeesTheQueueByDeadline_TriagesAndReplies_Audited()
    {
        var late = await ReportAsync(TimeSpan.FromHours(5));
        var fresh = await ReportAsync(TimeSpan.FromMinutes(5));
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);

        var queue = await client.GetPageAsync("/console/security-reports");
        Assert.True(queue.IndexOf(late.ToString(), StringComparison.Ordinal) < queue.IndexOf(fresh.ToString(), StringComparison.Ordinal), "the overdue report comes first");
        Assert.Contains($"<tr class=\"overdue\" data-report=\"{late}\">", queue);
        Assert.Contains($"<tr class=\"\" data-report=\"{fresh}\">", queue);
        Assert.Contains("overdue: acknowledge", queue);

        var detail = await client.GetPageAsync($"/console/security-reports/{late}");
        Assert.Contains("The &lt;b&gt;admin&lt;/b&gt; page leaks tokens.", detail); // encoded, never markup
        using (var triage = await client.PostAsync($"/console/security-reports/{late}/triage", new() { ["severity"] = "high", ["status"] = "triaged", ["notes"] = "Reproduced." }))
        {
            Assert.Equal(HttpStatusCode.Redirect, triage.StatusCode);
            Assert.Equal($"/console/security-reports/{late}?done=triaged", triage.Headers.Location!.OriginalString);
        }
        var row = await RowAsync(late);
        Assert.Equal((AdvisorySeverity.High, SecurityReportStatus.Triaged, "Reproduced."), (row.Severity, row.Status, row.Notes));
        Assert.Equal(ReportClock.AddBusinessDays(row.CreatedAt, 1), row.AcknowledgeBy);

        using (var refused = await client.PostAsync($"/console/security-reports/{late}/triage", new() { ["severity"] = "catastrophic" }))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("severity must be one of critical, high, medium, low", await refused.Content.ReadAsStringAsync());
        }
        Assert.Equal(AdvisorySeverity.High, (await RowAsync(late)).Severity);

        await client.GetPageAsync($"/console/security-reports/{late}");
        using (var reply = await client.PostAsync($"/console/security-reports/{late}/replies", new() { ["body"] = "Thanks, we are fixing it." }))
            Assert.Equal(HttpStatusCode.Redirect, reply.StatusCode);
        var after = await client.GetPageAsync($"/console/security-reports/{late}?done=replied");
        Assert.Contains("Thanks, we are fixing it.", after);
        Assert.Contains("on time", after);
        Assert.NotNull((await RowAsync(late)).AcknowledgedAt);

        await using var db = app.Db();
        var actions = (await db.AuditLog.Where(a => a.Action == "security-report.triage" || a.Action == "security-report.reply").ToListAsync())
            .Where(a => a.Detail!.Contains(late.ToString())).Select(a => (a.Action, a.Actor)).ToList();
        Assert.Equal([("security-report.triage", "admin:alice"), ("security-report.reply", "admin:alice")], actions);
    }

    [Fact]
    public async Task OperatorWithoutTheSecurityRole_CannotSeeOrTriage()
    {
        var id = await ReportAsync(TimeSpan.FromHours(1));
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await client.GetPageAsync("/console/security-reports", HttpStatusCode.Forbidden);
        await client.GetPageAsync($"/console/security-reports/{id}", HttpStatusCode.Forbidden);
        await client.GetPageAsync("/console/resources"); // a form token of this session, so only the role can refuse
        using (var triage = await client.PostAsync($"/console/security-reports/{id}/triage", new() { ["severity"] = "low", ["status"] = "resolved" }))
            Assert.Equal(HttpStatusCode.Forbidden, triage.StatusCode);
        using (var reply = await client.PostAsync($"/console/security-reports/{id}/replies", new() { ["body"] = "closing" }))
            Assert.Equal(HttpStatusCode.Forbidden, reply.StatusCode);
        var row = await RowAsync(id);
        Assert.Equal((null, SecurityReportStatus.New, null), (row.Severity, row.Status, row.AcknowledgedAt));
        await using var db = app.Db();
        Assert.False(await db.SecurityReportReplies.AnyAsync(r => r.ReportId == id));
    }

    [Fact]
    public async Task FormsWithoutTheirAntiforgeryToken_ChangeNothing()
    {
        var id = await ReportAsync(TimeSpan.FromHours(1));
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        await client.GetPageAsync($"/console/security-reports/{id}");
        int outbox;
        await using (var before = app.Db()) outbox = await before.Outbox.CountAsync();
        using (var triage = await client.PostAsync($"/console/security-reports/{id}/triage", new() { ["severity"] = "low", ["status"] = "resolved" }, withAntiforgery: false))
            Assert.Equal(HttpStatusCode.BadRequest, triage.StatusCode);
        using (var reply = await client.PostAsync($"/console/security-reports/{id}/replies", new() { ["body"] = "forged" }, withAntiforgery: false))
            Assert.Equal(HttpStatusCode.BadRequest, reply.StatusCode);
        var row = await RowAsync(id);
        Assert.Equal((null, SecurityReportStatus.New, null), (row.Severity, row.Status, row.AcknowledgedAt));
        await using var db = app.Db();
        Assert.False(await db.SecurityReportReplies.AnyAsync(r => r.ReportId == id));
        Assert.Equal(outbox, await db.Outbox.CountAsync());
    }
}
