using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Credentials;

/// <summary>Credential rotation as operators (admin API) and customers (dashboard Rotate, behind a confirmation) start it.</summary>
public sealed class RotationEndpointsTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private async Task<List<Credential>> CredentialsAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.Credentials.AsNoTracking().Where(c => c.ResourceId == id).OrderBy(c => c.Id).ToListAsync();
    }

    [Fact]
    public async Task Admin_RotateCredentials_Is202WithTheNewUsername_AndKeepsTheOldOneForTheOverlap()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var oldUser = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString();
        var password = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_PASSWORD").GetString()!;

        using var response = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", role: AdminRoles.Operator);
        var text = await response.Content.ReadAsStringAsync();
        var body = await response.ExpectAsync(HttpStatusCode.Accepted);
        Assert.Equal($"/admin/resources/{id}", response.Headers.Location!.OriginalString);
        Assert.DoesNotContain(password, text);
        var credentials = await CredentialsAsync(id);
        Assert.Equal(2, credentials.Count);
        Assert.Equal((oldUser, true), (credentials[0].Username, credentials[0].ExpiresAt > DateTime.UtcNow));
        Assert.Equal((body.GetProperty("credentialId").GetInt64(), body.GetProperty("username").GetString(), (DateTime?)null),
            (credentials[1].Id, credentials[1].Username, credentials[1].ExpiresAt));
        Assert.NotEqual(oldUser, credentials[1].Username);
        await using var db = app.Db();
        var audit = await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "credential_rotate");
        Assert.Equal("admin:alice", audit.Actor);
    }

    [Fact]
    public async Task Admin_RotateCredentials_NeedsTheOperatorRole_AndRefusesWhatCannotRotate()
    {
        var (kafka, _) = await app.ProvisionOkAsync("kafkacluster", "starter");
        using (var security = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{kafka}/rotate-credentials", role: AdminRoles.Security))
            Assert.Equal(HttpStatusCode.Forbidden, security.StatusCode);
        using (var anonymous = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{kafka}/rotate-credentials", role: null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Single(await CredentialsAsync(kafka));

        var (mobiloud, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        using (var noCredential = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{mobiloud}/rotate-credentials", role: AdminRoles.Operator))
            await noCredential.ExpectProblemAsync(HttpStatusCode.UnprocessableEntity, "no credential to rotate");
        using (var missing = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{Guid.NewGuid()}/rotate-credentials", role: AdminRoles.Operator))
            await missing.ExpectProblemAsync(HttpStatusCode.NotFound, "No such resource");
        using (await app.DeprovisionAsync("kafkacluster", kafka)) { }
        using var gone = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{kafka}/rotate-credentials", role: AdminRoles.Operator);
        await gone.ExpectProblemAsync(HttpStatusCode.Conflict, "deprovisioned");
    }

    [Fact]
    public async Task Dashboard_KafkaRotate_AsksForConfirmation_ThenShowsTheNewUsername()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("kafkacluster", "starter");
        var oldUser = provisioned.GetProperty("config").GetProperty("KAFKACLUSTER_USERNAME").GetString()!;
        var client = await app.SsoLoginAsync(id);
        Assert.Contains($"href=\"/dashboard/{id}/kafka/rotate\"", await client.GetStringAsync($"/dashboard/{id}/kafka"));

        var confirm = await client.GetStringAsync($"/dashboard/{id}/kafka/rotate"); // the confirmation page changes nothing
        Assert.Contains($"action=\"/dashboard/{id}/kafka/rotate\"", confirm);
        Assert.Single(await CredentialsAsync(id));

        using (var forged = await client.PostAsync($"/dashboard/{id}/kafka/rotate", new FormUrlEncodedContent(new Dictionary<string, string>())))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Single(await CredentialsAsync(id));

        using var rotated = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/kafka/rotate", $"/dashboard/{id}/kafka/rotate", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, rotated.StatusCode);
        Assert.Equal($"/dashboard/{id}/kafka?rotated=1", rotated.Headers.Location!.OriginalString);
        var credentials = await CredentialsAsync(id);
        Assert.Equal(2, credentials.Count);
        var page = await client.GetStringAsync(rotated.Headers.Location!.OriginalString);
        Assert.Contains("id=\"rotated\"", page);
        Assert.Contains($"<dt>Username</dt><dd><code>{credentials[1].Username}</code></dd>", page);
        Assert.NotEqual(oldUser, credentials[1].Username);
        await using var db = app.Db();
        Assert.Equal($"heroku-user:{AppFixture.UserId}", (await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "credential_rotate")).Actor);
    }

    [Fact]
    public async Task Dashboard_InferenceRotate_ReplacesTheKeyShown()
    {
        var (id, provisioned) = await app.ProvisionOkAsync("inference", "kimi-k2-5");
        var oldKey = provisioned.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        var client = await app.SsoLoginAsync(id);
        Assert.Contains($"href=\"/dashboard/{id}/inference/rotate\"", await client.GetStringAsync($"/dashboard/{id}/inference"));

        using var rotated = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/inference/rotate", $"/dashboard/{id}/inference/rotate", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.Redirect, rotated.StatusCode);
        using var revealed = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/inference", $"/dashboard/{id}/inference/reveal", new Dictionary<string, string>());
        var page = await revealed.Content.ReadAsStringAsync();
        Assert.DoesNotContain(oldKey, page);
        Assert.Matches("<code id=\"key-value\">[^<]{20,}</code>", page);
        var credentials = await CredentialsAsync(id);
        Assert.Equal(2, credentials.Count);
        Assert.NotNull(credentials[0].ExpiresAt);
    }

    [Fact]
    public async Task Dashboard_MobiLoudHasNoRotatePage()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        using var response = await client.GetAsync($"/dashboard/{id}/mobiloud/rotate");
        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(await CredentialsAsync(id));
    }
}
