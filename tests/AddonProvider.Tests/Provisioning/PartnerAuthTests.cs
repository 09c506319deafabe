using System.Net;
using System.Net.Http.Headers;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Provisioning;

public sealed class PartnerAuthTests(AppFixture app) : IClassFixture<AppFixture>
{
    public static TheoryData<string, string?, string?> BadCredentials => new()
    {
        { "no credentials", null, null },
        { "wrong password", "mobiloud", "wrong" },
        { "another product's password", "mobiloud", AppFixture.DevPassword("kafkacluster") },
        { "unknown product", "unknown", "whatever" },
        { "empty password", "mobiloud", "" },
    };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task AllThreeVerbs_WithBadCredentials_Are401BeforeAnythingElse(string _, string? user, string? password)
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        var requests = new[]
        {
            app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"), user, password),
            app.Partner(HttpMethod.Post, "/heroku/resources", "{ this is not json", user, password),
            app.Partner(HttpMethod.Put, $"/heroku/resources/{id}", new { plan = "executive" }, user, password),
            app.Partner(HttpMethod.Put, $"/heroku/resources/{Guid.NewGuid()}", "[", user, password),
            app.Partner(HttpMethod.Delete, $"/heroku/resources/{id}", null, user, password),
        };
        if (user is null) foreach (var r in requests) r.Headers.Authorization = null;

        foreach (var request in requests)
        {
            var response = await app.Client.SendAsync(request);
            await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "Invalid or missing add-on credentials");
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.Single().ToString());
        }

        await using var db = app.Db();
        var row = await db.Resources.SingleAsync(r => r.Id == id);
        Assert.Equal(("test", Data.Entities.ResourceState.Provisioned), (row.PlanSlug, row.State));
    }

    [Fact]
    public async Task AfterDeprovision_BadCredentials_AreStill401()
    {
        var (id, _) = await app.ProvisionOkAsync("kafkacluster", "free");
        await (await app.DeprovisionAsync("kafkacluster", id)).ExpectAsync(HttpStatusCode.NoContent);

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            var path = method == HttpMethod.Post ? "/heroku/resources" : $"/heroku/resources/{id}";
            object? body = method == HttpMethod.Post ? AppFixture.ProvisionBody(id, "free") : method == HttpMethod.Put ? new { plan = "starter" } : null;
            var response = await app.Client.SendAsync(app.Partner(method, path, body, "kafkacluster", "wrong"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task MalformedBasicHeader_Is401()
    {
        var request = app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", "%%%not-base64%%%");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.SendAsync(request)).StatusCode);
        request = app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "mobiloud");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.Client.SendAsync(request)).StatusCode);
    }
}
