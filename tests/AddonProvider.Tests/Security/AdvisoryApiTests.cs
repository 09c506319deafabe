using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Security;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Security;

public sealed class AdvisoryApiTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    public static object Body(object? affected = null, string title = "Broker auth bypass", string severity = "high") => new
    {
        title, severity, cveIds = new[] { "CVE-2026-12345" },
        summary = "A flaw let unauthenticated clients read topics.",
        assessment = "Check your broker logs for ANONYMOUS logins.",
        mitigation = "Rotate your credentials from the dashboard.",
        links = new[] { "https://example.com/advisory" },
        affected = affected ?? new { products = new[] { "kafkacluster" } },
    };

    private async Task<JsonElement> CreateAsync(object body)
    {
        using var response = await app.SendAsync(HttpMethod.Post, "/admin/advisories", body);
        return await response.ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Create_ReturnsDraftWithEveryField()
    {
        var created = await CreateAsync(Body(new { plans = new[] { "kafkacluster:starter" }, regions = new[] { "eu" } }));
        Assert.Equal("draft", created.GetProperty("status").GetString());
        Assert.Equal("high", created.GetProperty("severity").GetString());
        Assert.Equal("CVE-2026-12345", created.GetProperty("cveIds")[0].GetString());
        Assert.Equal("kafkacluster:starter", created.GetProperty("affected").GetProperty("plans")[0].GetString());

        using var get = await app.SendAsync(HttpMethod.Get, $"/admin/advisories/{created.GetProperty("id").GetGuid()}");
        Assert.Equal("Broker auth bypass", (await get.ExpectAsync(HttpStatusCode.OK)).GetProperty("title").GetString());
    }

    public static TheoryData<string, string> Invalid => new()
    {
        { """{"severity":"high"}""", "title" },
        { """{"title":"x","severity":"severe"}""", "severity" },
        { """{"title":"x","severity":"low,high"}""", "severity" },
        { """{"title":"x","severity":"low","cveIds":["CVE-12"]}""", "cveIds" },
        { """{"title":"x","severity":"low","links":["javascript:alert(1)"]}""", "links" },
        { """{"title":"x","severity":"low","affected":{"products":["nope"]}}""", "affected.products" },
        { """{"title":"x","severity":"low","affected":{"plans":["kafkacluster"]}}""", "affected.plans" },
        { """{"title":"x","severity":"low","affected":{"regions":["mars"]}}""", "affected.regions" },
        { """{"title":"x","severity":"low","affected":{"provisionedFrom":"2026-02-01T00:00:00Z","provisionedTo":"2026-01-01T00:00:00Z"}}""", "affected.provisionedTo" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Create_InvalidField_Is422NamingIt(string json, string field)
    {
        await using var db = app.Db();
        var before = await db.Advisories.CountAsync();
        using var response = await app.SendAsync(HttpMethod.Post, "/admin/advisories", json);
        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, field);
        Assert.Equal(before, await db.Advisories.CountAsync());
    }

    [Fact]
    public async Task Create_MalformedJson_Is400NamingThePlace()
    {
        using var response = await app.SendAsync(HttpMethod.Post, "/admin/advisories", """{"title":"x","affected":{"resourceIds":["not-a-uuid"]}}""");
        await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "resourceIds");
    }

    [Fact]
    public async Task Draft_IsEditable_PublishedIsFrozen()
    {
        var id = (await CreateAsync(Body())).GetProperty("id").GetGuid();
        using (var edit = await app.SendAsync(HttpMethod.Put, $"/admin/advisories/{id}", Body(title: "Edited title")))
            Assert.Equal("Edited title", (await edit.ExpectAsync(HttpStatusCode.OK)).GetProperty("title").GetString());

        using (var publish = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish"))
            Assert.Equal("published", (await publish.ExpectAsync(HttpStatusCode.Accepted)).GetProperty("status").GetString());
        using var late = await app.SendAsync(HttpMethod.Put, $"/admin/advisories/{id}", Body(title: "Too late"));
        await late.ExpectProblemAsync(HttpStatusCode.Conflict, "follow-up");
        await using var db = app.Db();
        Assert.Equal("Edited title", (await db.Advisories.SingleAsync(a => a.Id == id)).Title);
    }

    [Fact]
    public async Task PublishTwice_WritesOneOutboxRow()
    {
        var id = (await CreateAsync(Body())).GetProperty("id").GetGuid();
        using (var first = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish")) await first.ExpectAsync(HttpStatusCode.Accepted);
        using (var second = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish")) await second.ExpectAsync(HttpStatusCode.Accepted);
        await using var db = app.Db();
        Assert.Equal(1, await db.Outbox.CountAsync(m => m.Kind == AdvisoryJobs.Resolve && m.Argument == id.ToString()));
        var publishes = await db.AuditLog.Where(a => a.Action == "advisory.publish").Select(a => a.Detail!).ToListAsync();
        Assert.Single(publishes, d => d.Contains(id.ToString()));
    }

    [Fact]
    public async Task Publish_WithoutCriterionOrAll_Is422()
    {
        var id = (await CreateAsync(Body(new { products = Array.Empty<string>() }))).GetProperty("id").GetGuid();
        using var response = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{id}/publish");
        await response.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "affected");
        await using var db = app.Db();
        Assert.Equal(0, await db.Outbox.CountAsync(m => m.Argument == id.ToString()));

        var all = (await CreateAsync(Body(new { all = true }))).GetProperty("id").GetGuid();
        using var ok = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{all}/publish");
        await ok.ExpectAsync(HttpStatusCode.Accepted);
    }

    [Fact]
    public async Task FollowUp_LinksToAPublishedAdvisoryAndInheritsItsAudience()
    {
        var parent = (await CreateAsync(Body(new { regions = new[] { "eu" } }))).GetProperty("id").GetGuid();
        using (var draftParent = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{parent}/follow-ups", Body()))
            await draftParent.ExpectProblemAsync(HttpStatusCode.Conflict, "published");
        using (var publish = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{parent}/publish")) await publish.ExpectAsync(HttpStatusCode.Accepted);

        var body = new { title = "Fixed in 3.7.1", severity = "high", summary = "Patched.", assessment = "n/a", mitigation = "Nothing more to do." };
        using var response = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{parent}/follow-ups", body);
        var followUp = await response.ExpectAsync(HttpStatusCode.Created);
        Assert.Equal(parent, followUp.GetProperty("followUpOf").GetGuid());
        Assert.Equal("eu", followUp.GetProperty("affected").GetProperty("regions")[0].GetString());
        Assert.Equal("draft", followUp.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Preview_IsTheCustomerEmail()
    {
        var resource = await app.ResourceAsync("inference", "standard", owner: "preview-owner@example.com", name: "preview-app");
        var id = (await CreateAsync(Body(new { resourceIds = new[] { resource.Id } }))).GetProperty("id").GetGuid();
        using var response = await app.SendAsync(HttpMethod.Get, $"/admin/advisories/{id}/preview");
        var preview = await response.ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("[Security advisory] [HIGH] Broker auth bypass", preview.GetProperty("subject").GetString());
        Assert.Contains("preview-owner@example.com", preview.GetProperty("to").GetString());
        var text = preview.GetProperty("text").GetString()!;
        Assert.Contains("preview-app", text);
        Assert.Contains("Check your broker logs", text);
        Assert.Contains("Rotate your credentials", text);
        Assert.Contains("CVE-2026-12345", text);
    }
}
