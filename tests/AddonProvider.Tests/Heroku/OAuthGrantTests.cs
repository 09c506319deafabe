using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Heroku;

public sealed class OAuthGrantTests(HerokuFixture app) : IClassFixture<HerokuFixture>
{
    private async Task<HerokuToken?> TokenRowAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.HerokuTokens.AsNoTracking().SingleOrDefaultAsync(t => t.ResourceId == id);
    }

    [Fact]
    public async Task Provision_WithGrant_ExchangesTheCodeAndStoresTokensEncrypted()
    {
        var id = Guid.NewGuid();
        var body = await (await app.ProvisionWithGrantAsync("mobiloud", "test", id)).ExpectAsync(HttpStatusCode.OK);
        Assert.True(body.TryGetProperty("config", out _), "a MobiLoud provision stays synchronous, grant or not");

        await Eventually(async () => (await TokenRowAsync(id))?.AccessTokenCiphertext is not null, "the grant to be exchanged");
        var row = (await TokenRowAsync(id))!;
        Assert.Null(row.GrantCodeCiphertext); // spent: never stored longer than needed
        var issued = app.Heroku.AccessTokens.Single(t => t.Value.ResourceId == id);
        var refresh = app.Heroku.RefreshTokens.Single(t => t.Value.ResourceId == id).Key;
        Assert.StartsWith("v1.", row.AccessTokenCiphertext);
        Assert.DoesNotContain(issued.Key, row.AccessTokenCiphertext);
        Assert.DoesNotContain(refresh, row.RefreshTokenCiphertext);
        Assert.Equal(issued.Key, app.Decrypt(row.AccessTokenCiphertext!));
        Assert.Equal(refresh, app.Decrypt(row.RefreshTokenCiphertext!));
        Assert.InRange(row.AccessTokenExpiresAt!.Value, DateTime.UtcNow.AddHours(7), DateTime.UtcNow.AddHours(9));

        var exchange = Assert.Single(app.Heroku.Calls, c => c.Path == "/oauth/token" && c.TokenSerial == issued.Value.Serial && c.ResourceIs(id, app.Heroku));
        Assert.Equal("authorization_code", exchange.GrantType);
        Assert.Equal(200, exchange.Status);

        // Then the owner's email, read through GET /addons/{id} and GET /apps/{app id}.
        await app.WaitForCallAsync(c => c.Path.StartsWith("/apps/") && c.Status == 200 && c.ResourceIs(id, app.Heroku), "the app to be read");
        await Eventually(async () =>
        {
            await using var db = app.Db();
            return (await db.Resources.SingleAsync(r => r.Id == id)).OwnerEmail == app.Heroku.Addons[id].OwnerEmail;
        }, "the owner's email to be stored");
        await using var check = app.Db();
        Assert.Contains(await check.AuditLog.Where(a => a.ResourceId == id).Select(a => a.Action).ToListAsync(), a => a == "oauth_grant_exchanged");
    }

    [Fact]
    public async Task Provision_WithoutGrant_SkipsOAuthCleanly()
    {
        var (id, body) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        Assert.True(body.TryGetProperty("config", out _));
        var marker = Guid.NewGuid();
        await (await app.ProvisionWithGrantAsync("mobiloud", "test", marker)).ExpectAsync(HttpStatusCode.OK);
        // Once a later grant has been exchanged, the worker has passed the grant-less provision.
        await Eventually(async () => (await TokenRowAsync(marker))?.AccessTokenCiphertext is not null, "a later grant to be exchanged");

        Assert.Null(await TokenRowAsync(id));
        Assert.DoesNotContain(app.Heroku.Calls, c => c.ResourceIs(id, app.Heroku));
        await using var db = app.Db();
        Assert.Equal(ResourceState.Provisioned, (await db.Resources.SingleAsync(r => r.Id == id)).State);
    }

    [Fact]
    public async Task AccessToken_WithinFiveMinutesOfExpiry_IsRefreshedBeforeTheNextCall()
    {
        app.Heroku.ExpiresInSeconds = 120; // inside the five-minute margin from the start
        try
        {
            var id = Guid.NewGuid();
            await (await app.ProvisionWithGrantAsync("mobiloud", "test", id)).ExpectAsync(HttpStatusCode.OK);
            await app.WaitForCallAsync(c => c.Path == $"/addons/{id}" && c.Status == 200, "the add-on to be read");

            var calls = app.Heroku.Calls.Where(c => c.ResourceIs(id, app.Heroku)).OrderBy(c => c.Seq).ToList();
            var exchange = calls.Single(c => c.GrantType == "authorization_code");
            // Every call refreshes here (120 s is always inside the margin); look at the first read and the refresh before it.
            var read = calls.First(c => c.Path == $"/addons/{id}");
            var refresh = calls.Last(c => c.GrantType == "refresh_token" && c.Seq < read.Seq);
            Assert.True(exchange.Seq < refresh.Seq && refresh.Seq < read.Seq, "exchange, then refresh, then the API call");
            Assert.Equal(refresh.TokenSerial, read.TokenSerial); // the call used the refreshed token
            Assert.Equal(200, refresh.Status);
        }
        finally { app.Heroku.ExpiresInSeconds = 28800; }
    }

    [Fact]
    public async Task Tokens_NeverAppearInLogs_EvenAtTraceLevel()
    {
        var id = Guid.NewGuid();
        await (await app.ProvisionWithGrantAsync("mobiloud", "test", id)).ExpectAsync(HttpStatusCode.OK);
        await app.WaitForCallAsync(c => c.Path.StartsWith("/apps/") && c.Status == 200 && c.ResourceIs(id, app.Heroku), "the app to be read");

        var logs = app.Logs.ToList();
        Assert.Contains(logs, l => l.Contains("System.Net.Http.HttpClient") && l.Contains($"/addons/{id}")); // the HttpClient category did log
        var secrets = app.Heroku.AccessTokens.Keys.Concat(app.Heroku.RefreshTokens.Keys).Concat(app.Heroku.UsedCodes.Keys).ToList();
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
            Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
    }
}

internal static class CallMatching
{
    /// <summary>Whether a recorded call concerns the resource (by path, grant code or bearer token).</summary>
    public static bool ResourceIs(this Simulator.RecordedCall call, Guid id, Simulator.SimulatorState state) =>
        call.ResourceId == id || call.Path.Contains(id.ToString(), StringComparison.OrdinalIgnoreCase);
}
