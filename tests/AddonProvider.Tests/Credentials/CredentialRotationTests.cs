using System.Net;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Credentials;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Credentials;

public sealed class RotationFixture : HerokuFixture
{
    // A short overlap so the test sees the old credential both inside and after its window.
    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?> { ["CREDENTIAL_OVERLAP"] = "4s" };
}

public sealed class CredentialRotationTests(RotationFixture app) : IClassFixture<RotationFixture>
{
    /// <summary>An operator's rotation through the admin API, under the router's request id <c>req-1</c>.</summary>
    private async Task<HttpResponseMessage> RequestRotationAsync(Guid id)
    {
        using var request = app.Admin(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", role: AdminRoles.Operator);
        request.Headers.Add("X-Request-Id", "req-1");
        return await app.Client.SendAsync(request);
    }

    private async Task<RotationResult> RotateAsync(Guid id)
    {
        using var response = await RequestRotationAsync(id);
        return (await response.ExpectAsync(HttpStatusCode.Accepted)).Deserialize<RotationResult>(JsonSerializerOptions.Web)!;
    }

    [Fact]
    public async Task KafkaRotation_NewUserAndPassword_OldStaysValidInsideTheWindowAndIsRevokedAfter()
    {
        var id = Guid.NewGuid();
        await (await app.ProvisionWithGrantAsync("kafkacluster", "free", id)).ExpectAsync(HttpStatusCode.Accepted);
        await app.WaitForStateAsync(id, ResourceState.Provisioned);
        Credential old;
        await using (var db = app.Db()) old = await db.Credentials.AsNoTracking().SingleAsync(c => c.ResourceId == id);
        var oldPassword = app.Heroku.Addons[id].Config["KAFKACLUSTER_PASSWORD"];

        var rotated = await RotateAsync(id);
        var now = DateTime.UtcNow;
        await using (var db = app.Db())
        {
            var previous = await db.Credentials.AsNoTracking().SingleAsync(c => c.Id == old.Id);
            Assert.True(previous.IsValidAt(now), "the old credential still works inside the overlap window");
            Assert.NotEqual(old.Username, rotated.Username);
        }

        // The new user exists on the cluster and Heroku gets the new username and password.
        await Eventually(() => Task.FromResult(app.Heroku.Addons[id].Config["KAFKACLUSTER_USERNAME"] == rotated.Username), "the new config to be pushed");
        Assert.NotEqual(oldPassword, app.Heroku.Addons[id].Config["KAFKACLUSTER_PASSWORD"]);
        await using (var db = app.Db())
        {
            var users = await db.KafkaUsers.Where(u => u.ResourceId == id).Select(u => u.Username).ToListAsync();
            Assert.Contains(rotated.Username, users);
            if (DateTime.UtcNow < rotated.PreviousValidUntil) Assert.Contains(old.Username, users);
        }

        await Eventually(async () =>
        {
            await using var db = app.Db();
            return (await db.Credentials.AsNoTracking().SingleAsync(c => c.Id == old.Id)).RevokedAt is not null;
        }, "the old credential to be revoked", timeout: TimeSpan.FromSeconds(20));
        await using var check = app.Db();
        var revoked = await check.Credentials.AsNoTracking().SingleAsync(c => c.Id == old.Id);
        Assert.False(revoked.IsValidAt(DateTime.UtcNow));
        Assert.True(revoked.RevokedAt >= revoked.ExpiresAt, "revoked no earlier than the end of the window");
        Assert.Equal([rotated.Username!], await check.KafkaUsers.Where(u => u.ResourceId == id).Select(u => u.Username).ToListAsync());
        Assert.True((await check.Credentials.AsNoTracking().SingleAsync(c => c.Id == rotated.CredentialId)).IsValidAt(DateTime.UtcNow));
        var actions = await check.AuditLog.Where(a => a.ResourceId == id).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Contains("credential_rotate", actions);
        Assert.Contains("credential_pushed", actions);
        Assert.Contains("credential_revoke", actions);
        var rotate = await check.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "credential_rotate");
        Assert.Equal(("admin:alice", "req-1", old.Username, rotated.Username), (rotate.Actor, rotate.RequestId, rotate.Before, rotate.After));
    }

    [Fact]
    public async Task InferenceRotation_NewKeyPushed_OldKeyValidInsideTheWindowOnly()
    {
        var id = Guid.NewGuid();
        var body = await (await app.ProvisionWithGrantAsync("inference", "cohere-rerank-3-5", id)).ExpectAsync(HttpStatusCode.OK);
        var oldKey = body.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return await db.HerokuTokens.AnyAsync(t => t.ResourceId == id && t.AccessTokenCiphertext != null);
        }, "the grant to be exchanged");

        await RotateAsync(id);
        async Task<Credential?> ByKeyAsync(string key)
        {
            await using var db = app.Db();
            var hash = app.LookupHash(key);
            return await db.Credentials.AsNoTracking().SingleOrDefaultAsync(c => c.LookupHash == hash);
        }
        Assert.True((await ByKeyAsync(oldKey))!.IsValidAt(DateTime.UtcNow));

        await Eventually(() => Task.FromResult(app.Heroku.Addons[id].Config.TryGetValue("INFERENCE_KEY", out var k) && k != oldKey), "the new key to be pushed");
        var newKey = app.Heroku.Addons[id].Config["INFERENCE_KEY"];
        Assert.StartsWith("inf-", newKey);
        Assert.True((await ByKeyAsync(newKey))!.IsValidAt(DateTime.UtcNow));

        await Eventually(async () => (await ByKeyAsync(oldKey))!.RevokedAt is not null, "the old key to be revoked", timeout: TimeSpan.FromSeconds(20));
        Assert.False((await ByKeyAsync(oldKey))!.IsValidAt(DateTime.UtcNow));
        Assert.True((await ByKeyAsync(newKey))!.IsValidAt(DateTime.UtcNow));
    }

    [Fact]
    public async Task Rotation_OfMobiLoudOrUnknownResource_IsRefusedAndChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        using (var mobiloud = await RequestRotationAsync(id))
            await mobiloud.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "no credential to rotate");
        using (var unknown = await RequestRotationAsync(Guid.NewGuid()))
            await unknown.ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
        await using var db = app.Db();
        Assert.False(await db.AuditLog.AnyAsync(a => a.ResourceId == id && a.Action == "credential_rotate"));
    }
}
