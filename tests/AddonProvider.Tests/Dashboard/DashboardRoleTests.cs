using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Simulator;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Sso;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Dashboard;

/// <summary>Heroku roles on the dashboard: who may change what, decided by DashboardAccess against the user access list.</summary>
public sealed class DashboardRoleTests(HerokuFixture app) : IClassFixture<HerokuFixture>
{
    /// <summary>Fields of every dashboard form, valid enough that each action would succeed if it were let through.</summary>
    private static readonly Dictionary<string, string> Fields = new()
    {
        ["website_url"] = "https://changed.example", ["name"] = "orders", ["partitions"] = "1", ["retention_hours"] = "24",
        ["group"] = "billing", ["confirm"] = "orders", ["primary_color"] = "#123456", ["json"] = "{}", ["app_name"] = "Changed",
    };

    /// <summary>Every POST route of the dashboard group (changes, reveals, rotations), with its parameters filled.</summary>
    private List<string> ChangingRoutes(Guid id) =>
        app.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/dashboard/", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods.Any(m => m is not ("GET" or "HEAD")) == true)
            .Where(e => !e.Metadata.Contains(DashboardAccess.AnySession))
            .Select(e => string.Concat(e.RoutePattern.PathSegments.Select(s => "/" + string.Concat(s.Parts.Select(p => p switch
            {
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" } => id.ToString(),
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "section" } => "colors",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "kind" } => "icon",
                Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart => Guid.NewGuid().ToString(),
                _ => "",
            })))))
            .Distinct().Order().ToList();

    private async Task<string> SnapshotAsync(Guid id)
    {
        await using var db = app.Db();
        var tables = new[] { "resources", "mobiloud_apps", "mobiloud_submissions", "kafka_topics", "kafka_consumer_groups", "credentials", "audit_log", "outbox", "advisory_targets", "mobiloud_graphics" };
        var parts = new List<string>();
        foreach (var t in tables)
        {
            // The table names are this method's own constants, never input.
            // An outbox row's dispatch stamp is the background dispatcher's, not the request's: compare what was written.
            var row = t == "outbox" ? "(x.id, x.kind, x.argument, x.created_at)::text" : "x::text";
            var sql = "SELECT coalesce(md5(string_agg(" + row + ", ',' ORDER BY " + row + ")), '') AS \"Value\" FROM " + t + " x WHERE x::text LIKE '%' || {0} || '%'";
            parts.Add(t + ":" + (await db.Database.SqlQueryRaw<string>(sql, id.ToString()).ToListAsync()).Single());
        }
        return string.Join("\n", parts);
    }

    private async Task<Guid> ResourceWithListAsync(string product, string plan, params SimulatedUser[] collaborators)
    {
        var id = await app.ProvisionWithTokensAsync(product, plan);
        if (product == "kafkacluster") await app.WaitForStateAsync(id, ResourceState.Provisioned);
        app.Heroku.Addons[id].Collaborators = collaborators;
        await app.RunJobAsync(JobKinds.RefreshAccessList, id.ToString());
        await app.WaitForJobsToFinishAsync(id.ToString());
        return id;
    }

    private async Task<HttpClient> LoginAsync(Guid id, string email) => await app.SsoLoginAsync(id, new SimulatedUser(email).Id, email);

    [Theory]
    [InlineData("mobiloud", "starter", "mobiloud")]
    [InlineData("kafkacluster", "starter", "kafka")]
    [InlineData("inference", "kimi-k2-5", "inference")]
    public async Task AViewOnlyCollaborator_IsRefusedEveryChangingAction_WithTheReason_AndNothingChanges(string product, string plan, string page)
    {
        var viewer = $"viewer-{Guid.NewGuid():N}@customer.example";
        var id = await ResourceWithListAsync(product, plan, new SimulatedUser(viewer, ["view"]));
        var client = await LoginAsync(id, viewer);
        var pagePath = $"/dashboard/{id}/{page}";
        var token = await AppFixture.AntiforgeryTokenAsync(client, pagePath);
        Assert.NotEmpty(token);
        var routes = ChangingRoutes(id);
        Assert.Contains(routes, r => r.StartsWith($"/dashboard/{id}/{page}/", StringComparison.Ordinal)); // the product's own actions are among them
        var before = await SnapshotAsync(id);

        foreach (var route in routes)
        {
            using var response = await client.PostAsync(route, new FormUrlEncodedContent(new Dictionary<string, string>(Fields) { ["__RequestVerificationToken"] = token }));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"POST {route} answered {(int)response.StatusCode}");
            Assert.Contains("is view only", body);
        }

        Assert.Equal(before, await SnapshotAsync(id));
        // The page itself opens, says why it is read-only, and its controls are disabled.
        var html = await client.GetStringAsync(pagePath);
        Assert.Contains("id=\"read-only\"", html);
        Assert.Contains("<fieldset class=\"readonly\" disabled", html);
    }

    [Fact]
    public async Task ACollaboratorWhoMayDeploy_AndTheOwner_MayChange()
    {
        var deployer = $"deployer-{Guid.NewGuid():N}@customer.example";
        var id = await ResourceWithListAsync("kafkacluster", "starter", new SimulatedUser(deployer, ["view", "deploy"]));
        foreach (var email in new[] { deployer, app.Heroku.Addons[id].OwnerEmail })
        {
            var client = await LoginAsync(id, email);
            var html = await client.GetStringAsync($"/dashboard/{id}/kafka");
            Assert.DoesNotContain("id=\"read-only\"", html);
            using var created = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/kafka/topics",
                new Dictionary<string, string> { ["name"] = $"t{Guid.NewGuid():N}"[..12], ["partitions"] = "1", ["retention_hours"] = "24" });
            Assert.True(created.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect or HttpStatusCode.SeeOther, $"topic creation by {email} answered {(int)created.StatusCode}");
        }
        await using var db = app.Db();
        Assert.Equal(2, await db.KafkaTopics.CountAsync(t => t.ResourceId == id));
    }

    [Fact]
    public async Task AnUnverifiedLogin_IsReadOnly_EvenWithoutAGrant()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var client = app.NewBrowserClient();
        using (var login = await client.PostAsync("/sso/login", new FormUrlEncodedContent(app.SsoForm(id, "kafkacluster", kind: SsoTokenKind.Resource))))
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var before = await SnapshotAsync(id);

        using var reveal = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/kafka/reveal", new Dictionary<string, string>());
        using var topic = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/kafka/topics", Fields);

        foreach (var response in new[] { reveal, topic })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("does not confirm who you are", await response.Content.ReadAsStringAsync());
        }
        Assert.Equal(before, await SnapshotAsync(id));
        Assert.Contains("id=\"read-only\"", await client.GetStringAsync($"/dashboard/{id}/kafka"));
    }

    [Fact]
    public async Task WithoutAGrant_AVerifiedUserKeepsFullAccess()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var client = await app.SsoLoginAsync(id);
        using var reveal = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/kafka/reveal", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, reveal.StatusCode);
        Assert.DoesNotContain("id=\"read-only\"", await reveal.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AVerifiedUserNotYetOnTheList_IsReadOnlyUntilHerokuListsThem()
    {
        var id = await ResourceWithListAsync("kafkacluster", "starter");
        var newcomer = $"new-{Guid.NewGuid():N}@customer.example";
        var client = await LoginAsync(id, newcomer);
        using var refused = await client.PostAsync($"/dashboard/{id}/kafka/reveal", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = await AppFixture.AntiforgeryTokenAsync(client, $"/dashboard/{id}/kafka"),
        }));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not yet listed you", await refused.Content.ReadAsStringAsync());

        app.Heroku.Addons[id].Collaborators = [new SimulatedUser(newcomer, ["view", "operate"])];
        await app.RunJobAsync(JobKinds.RefreshAccessList, id.ToString());
        using var allowed = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka", $"/dashboard/{id}/kafka/reveal", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }
}
