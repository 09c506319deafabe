using System.Diagnostics;
using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.Inference;

public sealed class RevocationTests(InferenceFixture app) : IClassFixture<InferenceFixture>
{
    private static readonly object Request = new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos", "backups" } };
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Deprovision_KeyStopsWorkingWithin5Seconds_OnEveryDyno()
    {
        var (id, key) = await app.KeyAsync("cohere-rerank-3-5");
        // A second "dyno": another instance of the service on the same database, with its own key cache.
        await using var other = AppFixture.BuildApp(app.ConnectionString, new Dictionary<string, string?>());
        await other.StartAsync();
        using var otherClient = new HttpClient { BaseAddress = new Uri(other.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };

        // Both caches now hold the key as valid.
        await (await app.RerankAsync(key, Request)).ExpectAsync(HttpStatusCode.OK);
        await (await otherClient.SendAsync(InferenceFixture.Call(key, "/v1/rerank", Request))).ExpectAsync(HttpStatusCode.OK);

        await (await app.DeprovisionAsync("inference", id)).ExpectAsync(HttpStatusCode.NoContent);
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(
            PollUntilUnauthorizedAsync(app.Client, key),
            PollUntilUnauthorizedAsync(otherClient, key));

        Assert.All(results, elapsed => Assert.True(elapsed < Promise, $"still served after {elapsed.TotalSeconds:F1} s"));
        await (await app.RerankAsync(key, Request)).ExpectInferenceErrorAsync(HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task RotatedOutKey_StopsAtItsExpiry_WhileTheNewKeyWorks()
    {
        var (id, oldKey) = await app.KeyAsync("cohere-rerank-3-5");
        var newKey = await InferenceKeysTestData.AddKeyAsync(app, id);
        await (await app.RerankAsync(oldKey, Request)).ExpectAsync(HttpStatusCode.OK);
        await (await app.RerankAsync(newKey, Request)).ExpectAsync(HttpStatusCode.OK);

        await using (var db = app.Db())
            await db.Credentials.Where(c => c.ResourceId == id && c.Id == db.Credentials.Where(x => x.ResourceId == id).Min(x => x.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, DateTime.UtcNow));
        var elapsed = await PollUntilUnauthorizedAsync(app.Client, oldKey);

        Assert.True(elapsed < Promise, $"still served after {elapsed.TotalSeconds:F1} s");
        await (await app.RerankAsync(newKey, Request)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RevokedKey_StopsWorkingWithin5Seconds()
    {
        var (id, key) = await app.KeyAsync("cohere-rerank-3-5");
        await (await app.RerankAsync(key, Request)).ExpectAsync(HttpStatusCode.OK);
        await using (var db = app.Db())
            await db.Credentials.Where(c => c.ResourceId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, DateTime.UtcNow));
        var elapsed = await PollUntilUnauthorizedAsync(app.Client, key);
        Assert.True(elapsed < Promise, $"still served after {elapsed.TotalSeconds:F1} s");
    }

    private static async Task<TimeSpan> PollUntilUnauthorizedAsync(HttpClient client, string key)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            using var response = await client.SendAsync(InferenceFixture.Call(key, "/v1/rerank", Request));
            if (response.StatusCode == HttpStatusCode.Unauthorized) return clock.Elapsed;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(100);
        }
        return clock.Elapsed;
    }
}
