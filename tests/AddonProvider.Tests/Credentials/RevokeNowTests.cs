using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Inference;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Credentials;

/// <summary>
/// A leaked credential can be killed at once: a rotation with revokePrevious (admin API) or revoke_previous=on (the
/// customer's rotate form) refuses the old key or password within 5 s, instead of after the 2-hour overlap.
/// </summary>
public sealed class RevokeNowTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private static readonly object Rerank = new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos", "bake bread" } };

    private Task<HttpResponseMessage> RerankAsync(string key) => app.Client.SendAsync(InferenceFixture.Call(key, "/v1/rerank", Rerank));

    [Fact]
    public async Task Admin_RotateWithRevokePrevious_RefusesTheOldKeyWithinFiveSeconds_AndAuditsIt()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var oldKey = provisioned.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        using (var before = await RerankAsync(oldKey)) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        using (var rotated = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", new { revokePrevious = true }, AdminRoles.Operator))
            await rotated.ExpectAsync(HttpStatusCode.Accepted);

        var started = DateTime.UtcNow;
        await Eventually(async () => { using var r = await RerankAsync(oldKey); return r.StatusCode == HttpStatusCode.Unauthorized; },
            "the revoked key to be refused with 401", timeout: TimeSpan.FromSeconds(5));
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5));

        await using var db = app.Db();
        var credentials = await db.Credentials.AsNoTracking().Where(c => c.ResourceId == id).OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(2, credentials.Count);
        Assert.True(credentials[0].ExpiresAt <= DateTime.UtcNow, "the old key's validity ended at the rotation");
        Assert.Null(credentials[1].ExpiresAt);
        var audit = await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "credential_rotate");
        Assert.True(JsonDocument.Parse(audit.Detail!).RootElement.GetProperty("revoke_previous").GetBoolean());
    }

    [Fact]
    public async Task Admin_RotateWithoutBody_KeepsTheOverlap_AndABadBodyChangesNothing()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var oldKey = provisioned.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;

        using (var bad = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", "{\"revokePrevious\": \"yes please\"", AdminRoles.Operator))
            await bad.ExpectProblemAsync(HttpStatusCode.BadRequest, "could not be read");
        await using (var db = app.Db())
            Assert.Single(await db.Credentials.Where(c => c.ResourceId == id).ToListAsync());

        using (var rotated = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", role: AdminRoles.Operator))
            await rotated.ExpectAsync(HttpStatusCode.Accepted);
        using var after = await RerankAsync(oldKey);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode); // still inside the overlap
    }

    [Fact]
    public async Task Dashboard_RotateWithRevokePrevious_DeletesTheOldClusterUserAtOnce()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var oldUser = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString()!;
        Assert.Empty(await app.RunJobsAsync()); // the cluster is set up: the old user exists on the brokers
        await using (var db = app.Db()) Assert.True(await db.KafkaUsers.AnyAsync(u => u.Username == oldUser));

        var client = await app.SsoLoginAsync(id);
        Assert.Contains("name=\"revoke_previous\"", await client.GetStringAsync($"/dashboard/{id}/kafka/rotate"));
        using var rotated = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka/rotate", $"/dashboard/{id}/kafka/rotate",
            new Dictionary<string, string> { ["revoke_previous"] = "on" });
        Assert.Equal($"/dashboard/{id}/kafka?rotated=revoked", rotated.Headers.Location!.OriginalString);
        Assert.Contains("no longer work", await client.GetStringAsync(rotated.Headers.Location.OriginalString));

        Assert.Empty(await app.RunJobsAsync()); // what the worker does at once: no schedule, no overlap
        await using var after = app.Db();
        Assert.False(await after.KafkaUsers.AnyAsync(u => u.Username == oldUser), "the old cluster user is gone");
        var old = await after.Credentials.SingleAsync(c => c.ResourceId == id && c.Username == oldUser);
        Assert.NotNull(old.RevokedAt);
    }
}
