using System.Net;
using System.Text.Json;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Operators;

/// <summary>Resources in the console: search, detail without secrets, and "revoke now" with its role and CSRF negatives.</summary>
public sealed class ConsoleResourceTests(OperatorsFixture app) : IClassFixture<OperatorsFixture>
{
    [Fact]
    public async Task Search_ByOwnerEmailProductStateIdAndName_AndPages()
    {
        var owner = $"owner-{Guid.NewGuid():N}@example.com";
        var a = await app.ResourceAsync("kafkacluster", "starter", owner: owner, name: "console-search-a");
        var b = await app.ResourceAsync("mobiloud", "test", owner: owner, name: "console-search-b");
        await app.ResourceAsync("mobiloud", "test", owner: owner, state: ResourceState.Deprovisioned, name: "console-search-c");
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);

        var byOwner = await client.GetPageAsync($"/console/resources?ownerEmail={Uri.EscapeDataString(owner)}");
        Assert.Contains("3 resources", byOwner);
        var live = await client.GetPageAsync($"/console/resources?ownerEmail={Uri.EscapeDataString(owner)}&product=mobiloud&state=provisioned");
        Assert.Contains("1 resource<", live);
        Assert.Contains(b.Id.ToString(), live);
        Assert.Contains(a.Id.ToString(), await client.GetPageAsync($"/console/resources?q={a.Id}"));
        var byName = await client.GetPageAsync("/console/resources?q=console-search-");
        Assert.Contains("3 resources", byName);
        var paged = await client.GetPageAsync($"/console/resources?ownerEmail={Uri.EscapeDataString(owner)}&pageSize=2&page=2");
        Assert.Contains("Page 2 of 2", paged);
        Assert.Contains("rel=\"prev\"", paged);
        var bad = await client.GetPageAsync("/console/resources?state=sleeping", HttpStatusCode.BadRequest);
        Assert.Contains("state must be one of", bad);
    }

    [Fact]
    public async Task Detail_ShowsConfigVarNamesNotValues_AndMarksContactsVerifiedOrNot()
    {
        var (id, body) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var key = body.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        await using (var db = app.Db())
        {
            db.SsoUsers.Add(new SsoUser { ResourceId = id, UserId = "u-verified", Email = "v@example.com", Verified = true, FirstLoginAt = DateTime.UtcNow, LastLoginAt = DateTime.UtcNow });
            db.SsoUsers.Add(new SsoUser { ResourceId = id, UserId = "u-claimed", Email = "c@example.com", Verified = false, FirstLoginAt = DateTime.UtcNow, LastLoginAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        var html = await client.GetPageAsync($"/console/resources/{id}");
        Assert.Contains("<code>INFERENCE_KEY</code>", html);
        Assert.DoesNotContain(key, html);
        Assert.Contains("credential-current", html);
        Assert.Matches("v@example.com</td><td class=\"verified\"", html);
        Assert.Matches("c@example.com</td><td class=\"unverified\"", html);
        Assert.Contains("id=\"usage\"", html);
        Assert.Contains("provision", html); // plan history and audit trail
    }

    [Fact]
    public async Task RevokeNow_IssuesANewCredentialAndEndsTheOldOnesNow_AuditedWithTheOperator()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        using var client = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await client.GetPageAsync($"/console/resources/{id}");
        using var response = await client.PostAsync($"/console/resources/{id}/revoke", []);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        await using var db = app.Db();
        var credentials = await db.Credentials.Where(c => c.ResourceId == id).OrderBy(c => c.Id).ToListAsync();
        Assert.Equal(2, credentials.Count);
        Assert.True(credentials[0].ExpiresAt <= DateTime.UtcNow, "the old credential ends now");
        Assert.Null(credentials[1].ExpiresAt);
        var audit = await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "credential_rotate");
        Assert.Equal("admin:alice", audit.Actor);
        Assert.True(JsonDocument.Parse(audit.Detail!).RootElement.GetProperty("revoke_previous").GetBoolean());
        Assert.Contains("id=\"revoked\"", await client.GetPageAsync($"/console/resources/{id}?done=revoked"));
    }

    [Fact]
    public async Task RevokeNow_BySecurityRoleOrWithoutAntiforgery_ChangesNothing()
    {
        var (id, _) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        int outbox;
        await using (var before = app.Db()) outbox = await before.Outbox.CountAsync();
        using var security = await ConsoleClient.SignedInAsync(app, AdminRoles.Security);
        await security.GetPageAsync("/console/advisories");
        using (var forbidden = await security.PostAsync($"/console/resources/{id}/revoke", []))
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        using var op = await ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        await op.GetPageAsync($"/console/resources/{id}");
        using (var forged = await op.PostAsync($"/console/resources/{id}/revoke", [], withAntiforgery: false))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);

        await using var db = app.Db();
        var credential = await db.Credentials.SingleAsync(c => c.ResourceId == id);
        Assert.Null(credential.ExpiresAt);
        Assert.Null(credential.RevokedAt);
        Assert.False(await db.AuditLog.AnyAsync(a => a.ResourceId == id && a.Action == "credential_rotate"));
        Assert.Equal(outbox, await db.Outbox.CountAsync());
    }
}
