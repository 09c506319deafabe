using System.Net;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Security;

/// <summary>The security banner, acknowledgement and report pages, through a real SSO session and the real admin API.</summary>
public sealed class SecurityDashboardTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private static string Text(string html) => WebUtility.HtmlDecode(html);

    /// <summary>Creates and publishes an advisory for exactly these resources, and resolves its targets.</summary>
    private async Task<Guid> PublishAsync(string title, params Guid[] resourceIds)
    {
        using var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", AdvisoryApiTests.Body(new { resourceIds }, title));
        var id = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish");
        await published.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Empty(await app.RunJobsAsync());
        return id;
    }

    [Fact]
    public async Task Banner_ShowsOnEveryPageOfAnAffectedResource_UntilAcknowledged()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var (bystander, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var advisory = await PublishAsync("Broker auth bypass in 3.7", id);
        var client = await app.SsoLoginAsync(id);

        foreach (var path in new[] { $"/dashboard/{id}/kafka", $"/dashboard/{id}/security/report" })
        {
            var page = Text(await client.GetStringAsync(path));
            Assert.Contains($"data-advisory=\"{advisory}\"", page);
            Assert.Contains("Security advisory: Broker auth bypass in 3.7", page);
            Assert.Contains("<span class=\"severity\">high</span>", page);
            Assert.Contains("A flaw let unauthenticated clients read topics.", page);
            Assert.Contains($"href=\"/dashboard/{id}/security/advisories/{advisory}\"", page);
            Assert.Contains($"action=\"/dashboard/{id}/security/advisories/{advisory}/acknowledge\"", page);
        }
        var other = await app.SsoLoginAsync(bystander);
        Assert.DoesNotContain("data-advisory", await other.GetStringAsync($"/dashboard/{bystander}/kafka"));

        var full = Text(await client.GetStringAsync($"/dashboard/{id}/security/advisories/{advisory}"));
        Assert.Contains("<p id=\"assessment\">Check your broker logs for ANONYMOUS logins.</p>", full);
        Assert.Contains("<p id=\"mitigation\">Rotate your credentials from the dashboard.</p>", full);
        Assert.Contains("CVE-2026-12345", full);
        Assert.Contains("href=\"https://example.com/advisory\"", full);

        using var ack = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/security/advisories/{advisory}/acknowledge",
            new Dictionary<string, string> { ["return"] = $"/dashboard/{id}/kafka" });
        Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
        Assert.Equal($"/dashboard/{id}/kafka", ack.Headers.Location!.OriginalString);
        await using (var db = app.Db())
        {
            var target = await db.AdvisoryTargets.SingleAsync(t => t.AdvisoryId == advisory && t.ResourceId == id);
            Assert.NotNull(target.AcknowledgedAt);
            Assert.Equal($"heroku-user:{AppFixture.UserId}", target.AcknowledgedBy);
        }
        Assert.DoesNotContain("data-advisory", await client.GetStringAsync($"/dashboard/{id}/kafka"));
        Assert.Contains("id=\"acknowledged\"", await client.GetStringAsync($"/dashboard/{id}/security/advisories/{advisory}"));
    }

    [Fact]
    public async Task Acknowledge_ByAnUnaffectedResource_Is404AndRecordsNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "kimi-k2-5");
        var (bystander, _) = await app.ProvisionOkAsync("inference", "kimi-k2-5");
        var advisory = await PublishAsync("Model endpoint issue", id);
        var other = await app.SsoLoginAsync(bystander);

        using var page = await other.GetAsync($"/dashboard/{bystander}/security/advisories/{advisory}");
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        using var ack = await AppFixture.PostFormAsync(other, $"/dashboard/{bystander}/inference", $"/dashboard/{bystander}/security/advisories/{advisory}/acknowledge",
            new Dictionary<string, string> { ["return"] = $"/dashboard/{bystander}/inference" });
        Assert.Equal(HttpStatusCode.NotFound, ack.StatusCode);
        await using var db = app.Db();
        Assert.Null((await db.AdvisoryTargets.SingleAsync(t => t.AdvisoryId == advisory && t.ResourceId == id)).AcknowledgedAt);
        Assert.False(await db.AdvisoryTargets.AnyAsync(t => t.ResourceId == bystander));
    }

    [Fact]
    public async Task Acknowledge_WithoutTheAntiforgeryToken_IsRefusedAndRecordsNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var advisory = await PublishAsync("Needs a token", id);
        var client = await app.SsoLoginAsync(id);
        using var forged = await client.PostAsync($"/dashboard/{id}/security/advisories/{advisory}/acknowledge",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["return"] = $"/dashboard/{id}/kafka" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await using var db = app.Db();
        Assert.Null((await db.AdvisoryTargets.SingleAsync(t => t.AdvisoryId == advisory)).AcknowledgedAt);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/dashboard")]
    [InlineData("/dashboard/{other}/kafka")]
    public async Task Acknowledge_ReturnPathOutsideThisDashboard_RedirectsToItsHome(string back)
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var advisory = await PublishAsync("Open redirect check", id);
        var client = await app.SsoLoginAsync(id);
        using var ack = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/security/advisories/{advisory}/acknowledge",
            new Dictionary<string, string> { ["return"] = back.Replace("{other}", Guid.NewGuid().ToString()) });
        Assert.Equal(HttpStatusCode.Redirect, ack.StatusCode);
        Assert.Equal($"/dashboard/{id}", ack.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Report_InvalidThenValid_ShowsTheErrorThenAConfirmation_AndReachesTheAdminList()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        var form = Text(await client.GetStringAsync($"/dashboard/{id}/security/report"));
        Assert.Contains($"value=\"{AppFixture.UserEmail}\"", form); // the session's email, editable

        using var empty = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/security/report", $"/dashboard/{id}/security/report",
            new Dictionary<string, string> { ["text"] = "  ", ["reporter_email"] = AppFixture.UserEmail, ["reporter_name"] = "Grace" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        var errorPage = Text(await empty.Content.ReadAsStringAsync());
        Assert.Contains("A description is required", errorPage);
        Assert.Contains("value=\"Grace\"", errorPage);
        using var badEmail = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/security/report", $"/dashboard/{id}/security/report",
            new Dictionary<string, string> { ["text"] = "Something", ["reporter_email"] = "not an email" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badEmail.StatusCode);
        Assert.Contains("Your email is required", Text(await badEmail.Content.ReadAsStringAsync()));
        await using (var db = app.Db()) Assert.False(await db.SecurityReports.AnyAsync(r => r.ResourceId == id));

        using var sent = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/security/report", $"/dashboard/{id}/security/report",
            new Dictionary<string, string> { ["text"] = "The config endpoint answers for a <deleted> app.", ["reporter_email"] = "sec@customer.example", ["reporter_name"] = "Grace" });
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        var confirmation = sent.Headers.Location!.OriginalString;
        Assert.StartsWith($"/dashboard/{id}/security/reports/", confirmation);
        var received = await client.GetStringAsync(confirmation);
        Assert.Contains("id=\"report-received\"", received);
        Assert.Contains("&lt;deleted&gt;", received); // the customer's text is encoded, not markup

        using var list = await app.SendAsync(HttpMethod.Get, $"/admin/security-reports?resourceId={id}", role: AdminRoles.Security);
        var item = Assert.Single((await list.ExpectAsync(HttpStatusCode.OK)).GetProperty("items").EnumerateArray());
        Assert.Equal(confirmation[(confirmation.LastIndexOf('/') + 1)..], item.GetProperty("id").GetGuid().ToString());
        Assert.Equal(("sec@customer.example", "Grace", "new"),
            (item.GetProperty("reporterEmail").GetString(), item.GetProperty("reporterName").GetString(), item.GetProperty("status").GetString()));

        var (otherId, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var other = await app.SsoLoginAsync(otherId);
        using var foreign = await other.GetAsync($"/dashboard/{otherId}/security/reports/{item.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task Report_WithoutTheAntiforgeryToken_IsRefusedAndStoresNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var client = await app.SsoLoginAsync(id);
        using var forged = await client.PostAsync($"/dashboard/{id}/security/report",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["text"] = "forged", ["reporter_email"] = "x@example.com" }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await using var db = app.Db();
        Assert.False(await db.SecurityReports.AnyAsync(r => r.ResourceId == id));
    }
}
