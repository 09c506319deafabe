using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Operators;

public static class Submissions
{
    /// <summary>A MobiLoud resource with its app and a submitted publishing request, inserted as the dashboard would leave them.</summary>
    public static async Task<(Resource Resource, long SubmissionId)> SubmittedAsync(AppFixture app, Guid? resourceId = null)
    {
        var now = DateTime.UtcNow;
        var id = resourceId ?? Guid.NewGuid();
        await using var db = app.Db();
        var resource = await db.Resources.SingleOrDefaultAsync(r => r.Id == id);
        if (resource is null)
        {
            resource = new Resource
            {
                Id = id, ProductId = "mobiloud", PlanSlug = "starter", OriginalPlanSlug = "starter", Region = "us", State = ResourceState.Provisioned,
                Name = $"shop-{id.ToString()[..8]}", OwnerEmail = "shop@example.com", CreatedAt = now, UpdatedAt = now, PublicAppId = "app_" + id.ToString("N")[..20],
            };
            db.Resources.Add(resource);
        }
        if (!await db.MobiLoudApps.AnyAsync(a => a.ResourceId == id))
            db.MobiLoudApps.Add(new MobiLoudApp { ResourceId = id, WebsiteUrl = "https://shop.example.com", ConfigJson = """{"colors":{"primary":"#112233"}}""", UpdatedAt = now });
        var submission = new MobiLoudSubmission
        {
            ResourceId = id, Status = SubmissionStatus.Submitted, CreatedAt = now, UpdatedAt = now, SubmittedAt = now,
            FormJson = JsonSerializer.Serialize(new Dictionary<string, string> { ["app_name"] = "Shop <App>", ["contact_name"] = "Ada", ["contact_email"] = "ada@example.com" }),
            ConfigSnapshotJson = """{"colors":{"primary":"#112233"}}""", WebsiteUrlSnapshot = "https://shop.example.com", PlanSlugSnapshot = "starter",
            OperatorsNotifiedAt = now,
        };
        db.MobiLoudSubmissions.Add(submission);
        await db.SaveChangesAsync();
        return (resource, submission.Id);
    }
}

/// <summary>Publishing requests: the status flow and reopen, from the admin API and the console, with role and CSRF negatives.</summary>
public sealed class ConsoleSubmissionTests(OperatorsFixture app) : IClassFixture<OperatorsFixture>
{
    [Fact]
    public async Task AdminApi_StatusFlowAndReopen_ForOperatorsOnly()
    {
        var (_, id) = await Submissions.SubmittedAsync(app);
        using (var forbidden = await app.SendAsync(HttpMethod.Post, $"/admin/mobiloud/submissions/{id}/status", new { status = "in_progress" }, AdminRoles.Security))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        using (var skip = await app.SendAsync(HttpMethod.Post, $"/admin/mobiloud/submissions/{id}/status", new { status = "done" }, AdminRoles.Operator))
            await skip.ExpectProblemAsync(HttpStatusCode.Conflict, "new → in_progress → done");
        using (var bad = await app.SendAsync(HttpMethod.Post, $"/admin/mobiloud/submissions/{id}/status", new { status = "started" }, AdminRoles.Operator))
            await bad.ExpectProblemAsync(HttpStatusCode.BadRequest, "status must be one of new, in_progress, done");
        using var started = await app.SendAsync(HttpMethod.Post, $"/admin/mobiloud/submissions/{id}/status", new { status = "in_progress" }, AdminRoles.Operator);
        Assert.Equal("in_progress", (await started.ExpectAsync(HttpStatusCode.OK)).GetProperty("review").GetString());
        using var list = await app.SendAsync(HttpMethod.Get, "/admin/mobiloud/submissions?status=in_progress", null, AdminRoles.Operator);
        Assert.Contains((await list.ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray(), s => s.GetProperty("id").GetInt64() == id);
        using var reopened = await app.SendAsync(HttpMethod.Post, $"/admin/mobiloud/submissions/{id}/reopen", null, AdminRoles.Operator);
        Assert.Equal("draft", (await reopened.ExpectAsync(HttpStatusCode.OK)).GetProperty("status").GetString());
        await using var db = app.Db();
        var row = await db.MobiLoudSubmissions.SingleAsync(s => s.Id == id);
        Assert.Equal(SubmissionStatus.Draft, row.Status);
        Assert.Null(row.OperatorsNotifiedAt); // a new submit emails the operators again
        Assert.Equal("Ada", JsonSerializer.Deserialize<Dictionary<string, string>>(row.FormJson)!["contact_name"]);
    }

    [Fact]
    public async Task ConsoleActions_BySecurityRoleOrWithoutAntiforgery_ChangeNothing()
    {
        var (_, id) = await Submissions.SubmittedAsync(app);
        using var sec = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        await sec.GetPageAsync("/console/advisories");
        using (var r1 = await sec.PostAsync($"/console/mobiloud/{id}/status", new() { ["status"] = "in_progress" })) Assert.Equal(HttpStatusCode.Forbidden, r1.StatusCode);
        using (var r2 = await sec.PostAsync($"/console/mobiloud/{id}/reopen", [])) Assert.Equal(HttpStatusCode.Forbidden, r2.StatusCode);
        await sec.GetPageAsync($"/console/mobiloud/{id}", HttpStatusCode.Forbidden);

        using var op = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        var page = await op.GetPageAsync($"/console/mobiloud/{id}");
        Assert.Contains("Shop &lt;App&gt;", page);
        Assert.Contains("#112233", page);
        using (var r3 = await op.PostAsync($"/console/mobiloud/{id}/status", new() { ["status"] = "in_progress" }, withAntiforgery: false)) Assert.Equal(HttpStatusCode.BadRequest, r3.StatusCode);
        using (var r4 = await op.PostAsync($"/console/mobiloud/{id}/reopen", [], withAntiforgery: false)) Assert.Equal(HttpStatusCode.BadRequest, r4.StatusCode);

        await using var db = app.Db();
        var row = await db.MobiLoudSubmissions.SingleAsync(s => s.Id == id);
        Assert.Equal(SubmissionStatus.Submitted, row.Status);
        Assert.Null(row.Review);
        Assert.False(await db.AuditLog.AnyAsync(a => a.ResourceId == row.ResourceId && a.Action.StartsWith("mobiloud_submission")));

        using var ok = await op.PostAsync($"/console/mobiloud/{id}/status", new() { ["status"] = "in_progress" });
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.True(await db.AuditLog.AnyAsync(a => a.ResourceId == row.ResourceId && a.Action == "mobiloud_submission_status" && a.Actor == "admin:alice" && a.After == "in_progress"));
    }
}
