using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Admin;

/// <summary>
/// Suspend and resume through the admin API, and what a suspension does outside /v1 (Inference is in
/// Inference/SuspensionInferenceTests): the dashboard, MobiLoud's app config, Kafka's cluster users, Heroku's own calls.
/// The app is web-only here; the tests run the jobs themselves (RunJobsAsync).
/// </summary>
public sealed class SuspensionTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private const string Reason = "Abuse report #4711: <b>spam</b> sent through the app";

    private Task<HttpResponseMessage> SuspendAsync(Guid id, object? body, string role = AdminRoles.Operator) =>
        app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/suspend", body, role);

    private Task<HttpResponseMessage> ResumeAsync(Guid id, object? body = null, string role = AdminRoles.Operator) =>
        app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/resume", body, role);

    private async Task<JsonElement> SuspendOkAsync(Guid id, string reason = Reason)
    {
        using var response = await SuspendAsync(id, new { reason });
        return await response.ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<JsonElement> ResumeOkAsync(Guid id, object? body = null)
    {
        using var response = await ResumeAsync(id, body);
        return await response.ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<JsonElement> DetailAsync(Guid id)
    {
        using var response = await app.SendAsync(HttpMethod.Get, $"/admin/resources/{id}", role: AdminRoles.Operator);
        return await response.ExpectAsync(HttpStatusCode.OK);
    }

    private async Task<List<string>> AuditActionsAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.AuditLog.Where(a => a.ResourceId == id).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
    }

    [Fact]
    public async Task Suspend_Provisioned_AnswersTheDetailSuspendedWithWhenWhyWhoAndAnAuditRow()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var before = DateTime.UtcNow.AddSeconds(-5);

        var body = await SuspendOkAsync(id, "  " + Reason + "  ");

        Assert.Equal(id, body.GetProperty("id").GetGuid());
        Assert.Equal("suspended", body.GetProperty("state").GetString());
        Assert.Equal(Reason, body.GetProperty("suspensionReason").GetString()); // trimmed
        Assert.Equal("admin:alice", body.GetProperty("suspendedBy").GetString());
        Assert.True(body.GetProperty("suspendedAt").GetDateTime() > before);
        Assert.Equal(JsonSerializer.Serialize(body), JsonSerializer.Serialize(await DetailAsync(id))); // the same detail GET answers
        Assert.Equal("suspend", body.GetProperty("audit")[0].GetProperty("action").GetString());

        await using var db = app.Db();
        var audit = await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "suspend");
        Assert.Equal(("admin:alice", "provisioned", "suspended"), (audit.Actor, audit.Before, audit.After));
        Assert.Equal(Reason, JsonDocument.Parse(audit.Detail!).RootElement.GetProperty("reason").GetString());
        Assert.False(string.IsNullOrEmpty(audit.RequestId));
        // Still provisioned underneath: suspension is not a lifecycle state.
        Assert.Equal("provisioned", await db.Database.SqlQuery<string>($"SELECT state AS \"Value\" FROM resources WHERE id = {id}").SingleAsync());

        var resumed = await ResumeOkAsync(id, new { reason = "Customer confirmed the spam is stopped" });
        Assert.Equal("provisioned", resumed.GetProperty("state").GetString());
        Assert.False(resumed.TryGetProperty("suspendedAt", out _));
        Assert.False(resumed.TryGetProperty("suspensionReason", out _));
        var resume = await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "resume");
        Assert.Equal(("admin:alice", "suspended", "provisioned"), (resume.Actor, resume.Before, resume.After));
        var detail = JsonDocument.Parse(resume.Detail!).RootElement;
        Assert.Equal("Customer confirmed the spam is stopped", detail.GetProperty("reason").GetString());
        Assert.Equal(Reason, detail.GetProperty("suspension_reason").GetString());
    }

    [Fact]
    public async Task SuspendAndResume_Repeated_Answer200WithOneAuditRowPerRealChange()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var first = await SuspendOkAsync(id);
        var second = await SuspendOkAsync(id, "a different reason");
        Assert.Equal(first.GetProperty("suspendedAt").GetDateTime(), second.GetProperty("suspendedAt").GetDateTime());
        Assert.Equal(Reason, second.GetProperty("suspensionReason").GetString()); // the first suspension stands
        Assert.Equal("suspended", second.GetProperty("state").GetString());

        await ResumeOkAsync(id);
        var again = await ResumeOkAsync(id);
        Assert.Equal("provisioned", again.GetProperty("state").GetString());

        Assert.Equal(["provision", "suspend", "resume"], await AuditActionsAsync(id));
        await using var db = app.Db();
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.Argument == id.ToString() && m.Kind == "kafka.disable-users"));
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.Argument == id.ToString() && m.Kind == "kafka.enable-users"));

        // Resuming what was never suspended is a no-op 200 as well.
        var (other, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        Assert.Equal("provisioned", (await ResumeOkAsync(other)).GetProperty("state").GetString());
        Assert.Equal(["provision"], await AuditActionsAsync(other));
    }

    [Fact]
    public async Task Search_ByStateSuspended_FindsOnlySuspendedAndProvisionedLeavesThemOut()
    {
        var owner = $"owner-{Guid.NewGuid():N}@example.com";
        var suspended = await app.ResourceAsync("mobiloud", "starter", owner: owner);
        var running = await app.ResourceAsync("mobiloud", "starter", owner: owner);
        await SuspendOkAsync(suspended.Id);

        async Task<List<(Guid, string)>> SearchAsync(string state)
        {
            using var r = await app.SendAsync(HttpMethod.Get, $"/admin/resources?ownerEmail={owner}&state={state}", role: AdminRoles.Operator);
            return (await r.ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray()
                .Select(i => (i.GetProperty("id").GetGuid(), i.GetProperty("state").GetString()!)).ToList();
        }
        Assert.Equal([(suspended.Id, "suspended")], await SearchAsync("suspended"));
        Assert.Equal([(running.Id, "provisioned")], await SearchAsync("provisioned"));
    }

    public static TheoryData<string?, HttpStatusCode, string> BadBodies => new()
    {
        { null, HttpStatusCode.BadRequest, "reason" },
        { "{}", HttpStatusCode.UnprocessableEntity, "reason is required" },
        { "{\"reason\": null}", HttpStatusCode.UnprocessableEntity, "reason is required" },
        { "{\"reason\": \"   \"}", HttpStatusCode.UnprocessableEntity, "reason is required" },
        { JsonSerializer.Serialize(new { reason = new string('x', 501) }), HttpStatusCode.UnprocessableEntity, "reason is 501 characters long; at most 500" },
        { "{\"reason\": 42}", HttpStatusCode.BadRequest, "$.reason" },
        { "{\"reason\": ", HttpStatusCode.BadRequest, "not valid JSON" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Suspend_WithoutAValidReason_IsRefusedNamingReasonAndChangesNothing(string? body, HttpStatusCode status, string fragment)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using var response = await SuspendAsync(id, body);
        await response.ExpectProblemAsync(status, fragment);

        Assert.Equal("provisioned", (await DetailAsync(id)).GetProperty("state").GetString());
        Assert.Equal(["provision"], await AuditActionsAsync(id));
    }

    [Fact]
    public async Task Suspend_ReasonOf500CharactersAfterTrimming_IsAccepted()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var reason = new string('r', 500);
        var body = await SuspendOkAsync(id, "\n " + reason + " \t");
        Assert.Equal(reason, body.GetProperty("suspensionReason").GetString());
    }

    [Fact]
    public async Task Resume_WithATooLongReason_Is422AndStaysSuspended()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        await SuspendOkAsync(id);
        using var response = await ResumeAsync(id, new { reason = new string('x', 501) });
        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "reason");
        Assert.Equal("suspended", (await DetailAsync(id)).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Suspend_NotProvisioned_Is409AndChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using (var deprovision = await app.DeprovisionAsync("mobiloud", id)) await deprovision.ExpectAsync(HttpStatusCode.NoContent);
        using (var response = await SuspendAsync(id, new { reason = Reason }))
            await response.ExpectProblemAsync(HttpStatusCode.Conflict, "this one is deprovisioned");
        var provisioning = await app.ResourceAsync("kafkacluster", "starter", state: AddonProvider.Data.Entities.ResourceState.Provisioning);
        using (var response = await SuspendAsync(provisioning.Id, new { reason = Reason }))
            await response.ExpectProblemAsync(HttpStatusCode.Conflict, "this one is provisioning");

        Assert.Equal("deprovisioned", (await DetailAsync(id)).GetProperty("state").GetString());
        Assert.DoesNotContain("suspend", await AuditActionsAsync(id));
        Assert.Empty(await AuditActionsAsync(provisioning.Id));
        await using var db = app.Db();
        Assert.False(await db.Outbox.AnyAsync(m => m.Argument == provisioning.Id.ToString()));

        using var missing = await SuspendAsync(Guid.NewGuid(), new { reason = Reason });
        await missing.ExpectProblemAsync(HttpStatusCode.NotFound, "No resource");
        using var missingResume = await ResumeAsync(Guid.NewGuid());
        await missingResume.ExpectProblemAsync(HttpStatusCode.NotFound, "No resource");
    }

    [Fact]
    public async Task SuspendAndResume_WithTheSecurityRoleOrNoToken_AreRefusedAndChangeNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using (var r = await SuspendAsync(id, new { reason = Reason }, AdminRoles.Security))
            await r.ExpectProblemAsync(HttpStatusCode.Forbidden, "'operator' role");
        using (var r = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/suspend", new { reason = Reason }, role: null))
            await r.ExpectProblemAsync(HttpStatusCode.Unauthorized, "operator token");
        Assert.Equal("provisioned", (await DetailAsync(id)).GetProperty("state").GetString());

        await SuspendOkAsync(id);
        using (var r = await ResumeAsync(id, role: AdminRoles.Security))
            await r.ExpectProblemAsync(HttpStatusCode.Forbidden, "'operator' role");
        Assert.Equal("suspended", (await DetailAsync(id)).GetProperty("state").GetString());
        Assert.Equal(["provision", "suspend"], await AuditActionsAsync(id));
    }

    [Fact]
    public async Task Dashboard_WhileSuspended_ShowsTheNoticeAndRefusesEveryChangeUntilResumed()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var client = await app.SsoLoginAsync(id);
        var page = $"/dashboard/{id}/kafka";
        await SuspendOkAsync(id);

        // Readable, with the notice: the reason (encoded) and how to reach support.
        var html = await client.GetStringAsync(page);
        Assert.Contains("id=\"suspended-notice\"", html);
        Assert.Contains("This add-on is suspended by the operator: Abuse report #4711: &lt;b&gt;spam&lt;/b&gt; sent through the app", html);
        Assert.Contains($"contact support at {AdminFixture.OperatorsEmail}", html);

        // A topic, a rotation and a reveal, each with a valid antiforgery token: 403 pages saying why, nothing changed.
        int credentials;
        await using (var db = app.Db()) credentials = await db.Credentials.CountAsync(c => c.ResourceId == id);
        foreach (var (action, fields) in new (string, Dictionary<string, string>)[]
        {
            ($"{page}/topics", new() { ["name"] = "orders", ["partitions"] = "1", ["retention_hours"] = "1" }),
            ($"{page}/rotate", new()),
            ($"{page}/reveal", new()),
        })
        {
            using var refused = await AppFixture.PostFormAsync(client, page, action, fields);
            var text = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.Forbidden, $"{action} answered {(int)refused.StatusCode}: {text}");
            Assert.Contains("This add-on is suspended by the operator, so nothing can be changed here until it is resumed.", text);
            Assert.DoesNotContain("KAFKACLUSTER_PASSWORD", text);
        }
        await using (var db = app.Db())
        {
            Assert.False(await db.KafkaTopics.AnyAsync(t => t.ResourceId == id));
            Assert.Equal(credentials, await db.Credentials.CountAsync(c => c.ResourceId == id));
        }
        Assert.Equal(["provision", "suspend"], await AuditActionsAsync(id));

        await ResumeOkAsync(id);
        Assert.DoesNotContain("suspended-notice", await client.GetStringAsync(page));
        using var created = await AppFixture.PostFormAsync(client, page, $"{page}/topics",
            new Dictionary<string, string> { ["name"] = "orders", ["partitions"] = "1", ["retention_hours"] = "1" });
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);
    }

    [Fact]
    public async Task MobiLoudAppConfig_WhileSuspended_IsServiceInactiveAndResumeRestoresIt()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        using (var r = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud", $"/dashboard/{id}/mobiloud/website",
            new Dictionary<string, string> { ["website_url"] = "https://shop.example.com" }))
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        string appId;
        await using (var db = app.Db()) appId = (await db.Resources.SingleAsync(r => r.Id == id)).PublicAppId!;
        var path = $"/mobiloud/apps/{appId}/config";
        await (await app.Client.GetAsync(path)).ExpectAsync(HttpStatusCode.OK);

        await SuspendOkAsync(id);
        var inactive = await (await app.Client.GetAsync(path)).ExpectAsync(HttpStatusCode.Forbidden);
        Assert.Equal("service_inactive", inactive.GetProperty("error").GetString());
        Assert.Contains("suspended", inactive.GetProperty("message").GetString());
        Assert.DoesNotContain("spam", inactive.ToString()); // the operator's reason is for the customer's dashboard, not the public endpoint

        await ResumeOkAsync(id);
        var config = await (await app.Client.GetAsync(path)).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("https://shop.example.com", config.GetProperty("websiteUrl").GetString());
    }

    [Fact]
    public async Task KafkaCluster_Suspended_LosesItsClusterUsersAndResumeBringsThemBack()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var username = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString()!;
        Assert.Empty(await app.RunJobsAsync());
        async Task<(List<string> Users, int Acls, bool Quota)> ClusterAsync()
        {
            await using var db = app.Db();
            return (await db.KafkaUsers.Where(u => u.ResourceId == id).Select(u => u.Username).ToListAsync(),
                await db.KafkaAcls.CountAsync(a => a.ResourceId == id), await db.KafkaQuotas.AnyAsync(q => q.ResourceId == id));
        }
        var before = await ClusterAsync();
        Assert.Equal([username], before.Users);
        Assert.True(before.Acls > 0);

        await SuspendOkAsync(id);
        Assert.Empty(await app.RunJobsAsync());
        var suspended = await ClusterAsync();
        Assert.Empty(suspended.Users);
        Assert.Equal(0, suspended.Acls);
        Assert.True(suspended.Quota, "quotas stay: only access is disabled");

        // An operator's rotation while suspended must not put a user back on the cluster.
        using (var rotate = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", role: AdminRoles.Operator))
            await rotate.ExpectAsync(HttpStatusCode.Accepted);
        await app.RunJobsAsync();
        Assert.Empty((await ClusterAsync()).Users);

        await ResumeOkAsync(id);
        Assert.Empty(await app.RunJobsAsync());
        var resumed = await ClusterAsync();
        await using var db = app.Db();
        var inForce = await db.Credentials.Where(c => c.ResourceId == id && c.RevokedAt == null && (c.ExpiresAt == null || c.ExpiresAt > DateTime.UtcNow))
            .Select(c => c.Username!).ToListAsync();
        Assert.Equal(inForce.Order(), resumed.Users.Order());
        Assert.Contains(username, resumed.Users); // the previous credential is still inside its overlap window
        Assert.Equal(before.Acls * inForce.Count, resumed.Acls);
    }

    [Fact]
    public async Task HerokuPlanChangeAndDeprovision_OnASuspendedResource_StillWorkAndItStaysDeprovisioned()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        Assert.Empty(await app.RunJobsAsync());
        await SuspendOkAsync(id);
        Assert.Empty(await app.RunJobsAsync());

        using (var change = await app.ChangePlanAsync("kafkacluster", id, "basic-0")) await change.ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await app.RunJobsAsync());
        var detail = await DetailAsync(id);
        Assert.Equal(("basic-0", "suspended"), (detail.GetProperty("plan").GetString(), detail.GetProperty("state").GetString()));
        await using (var db = app.Db())
        {
            Assert.Equal("basic-0", (await db.KafkaQuotas.SingleAsync(q => q.ResourceId == id)).PlanSlug);
            Assert.False(await db.KafkaUsers.AnyAsync(u => u.ResourceId == id), "a plan change does not re-enable a suspended cluster");
        }

        using (var deprovision = await app.DeprovisionAsync("kafkacluster", id)) await deprovision.ExpectAsync(HttpStatusCode.NoContent);
        Assert.Empty(await app.RunJobsAsync());
        Assert.Equal("deprovisioned", (await DetailAsync(id)).GetProperty("state").GetString());

        // Resuming a deprovisioned resource changes nothing; suspending it again is a conflict.
        Assert.Equal("deprovisioned", (await ResumeOkAsync(id)).GetProperty("state").GetString());
        using (var again = await SuspendAsync(id, new { reason = Reason }))
            await again.ExpectProblemAsync(HttpStatusCode.Conflict, "deprovisioned");
        Assert.Empty(await app.RunJobsAsync());
        await using var check = app.Db();
        Assert.False(await check.KafkaUsers.AnyAsync(u => u.ResourceId == id));
        Assert.False(await check.KafkaQuotas.AnyAsync(q => q.ResourceId == id));
        Assert.Equal(["provision", "suspend", "plan_change", "deprovision"],
            (await AuditActionsAsync(id)).Where(a => !a.StartsWith("credential", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OpenApi_DescribesSuspendAndResumeWithTheirBodies()
    {
        using var response = await app.SendAsync(HttpMethod.Get, "/admin/openapi/admin.json", role: AdminRoles.Operator);
        var doc = await response.ExpectAsync(HttpStatusCode.OK);
        foreach (var verb in new[] { "suspend", "resume" })
        {
            var post = doc.GetProperty("paths").GetProperty($"/admin/resources/{{id}}/{verb}").GetProperty("post");
            Assert.True(post.GetProperty("requestBody").GetProperty("content").TryGetProperty("application/json", out _), verb);
            Assert.True(post.GetProperty("responses").TryGetProperty("200", out _), verb);
        }
    }
}
