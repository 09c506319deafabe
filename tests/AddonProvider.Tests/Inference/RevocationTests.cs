using System.Net;
using AddonProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
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
        using var otherClient = new HttpClient { BaseAddress = AppFixture.AddressOf(other) };

        // Both caches now hold the key as valid.
        await (await app.RerankAsync(key, Request)).ExpectAsync(HttpStatusCode.OK);
        await (await otherClient.SendAsync(InferenceFixture.Call(key, "/v1/rerank", Request))).ExpectAsync(HttpStatusCode.OK);

        await (await app.DeprovisionAsync("inference", id)).ExpectAsync(HttpStatusCode.NoContent);
        await Task.WhenAll(
            RefusedWithinPromiseAsync(app.Client, key, "the deprovisioned resource's key to be refused by the first dyno"),
            RefusedWithinPromiseAsync(otherClient, key, "the deprovisioned resource's key to be refused by the second dyno"));

        await (await app.RerankAsync(key, Request)).ExpectInferenceErrorAsync(HttpStatusCode.Unauthorized, "authentication_error");
    }

    [Fact]
    public async Task RotatedOutKey_StopsAtItsExpiry_WhileTheNewKeyWorks()
    {
        var (id, oldKey) = await app.KeyAsync("cohere-rerank-3-5");
        var newKey = await app.RotateKeyAsync(id);
        await (await app.RerankAsync(oldKey, Request)).ExpectAsync(HttpStatusCode.OK);
        await (await app.RerankAsync(newKey, Request)).ExpectAsync(HttpStatusCode.OK);

        await using (var db = app.Db())
            await db.Credentials.Where(c => c.ResourceId == id && c.Id == db.Credentials.Where(x => x.ResourceId == id).Min(x => x.Id))
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.ExpiresAt, DateTime.UtcNow));
        await RefusedWithinPromiseAsync(app.Client, oldKey, "the expired key to be refused");

        await (await app.RerankAsync(newKey, Request)).ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task RevokedKey_StopsWorkingWithin5Seconds()
    {
        var (id, key) = await app.KeyAsync("cohere-rerank-3-5");
        await (await app.RerankAsync(key, Request)).ExpectAsync(HttpStatusCode.OK);
        await using (var db = app.Db())
            await db.Credentials.Where(c => c.ResourceId == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, DateTime.UtcNow));
        await RefusedWithinPromiseAsync(app.Client, key, "the revoked key to be refused");
    }

    /// <summary>Calls with the key until it is refused (every answer before is a 200); fails if it is still served after the promised 5 s.</summary>
    private static Task RefusedWithinPromiseAsync(HttpClient client, string key, string because) =>
        Eventually(async () =>
        {
            using var response = await client.SendAsync(InferenceFixture.Call(key, "/v1/rerank", Request));
            if (response.StatusCode == HttpStatusCode.Unauthorized) return true;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return false;
        }, because, timeout: Promise);
}
