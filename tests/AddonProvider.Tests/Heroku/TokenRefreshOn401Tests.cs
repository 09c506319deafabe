using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Heroku;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Heroku;

/// <summary>
/// Heroku answers 401 to a stored access token that has not reached its expiry (revoked on Heroku's side): the
/// client refreshes once and retries; when the refresh is refused too, the job fails for Hangfire to retry.
/// </summary>
public sealed class TokenRefreshOn401Tests(HerokuFixture app) : IClassFixture<HerokuFixture>
{
    private async Task<HerokuToken> TokenRowAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.HerokuTokens.AsNoTracking().SingleAsync(t => t.ResourceId == id);
    }

    private async Task<Resource> ResourceAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.Resources.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private List<Simulator.RecordedCall> CallsSince(long seq, Guid id) =>
        app.Heroku.Calls.Where(c => c.Seq > seq && c.ResourceIs(id, app.Heroku)).OrderBy(c => c.Seq).ToList();

    [Fact]
    public async Task PlatformCall_AnsweredWith401_RefreshesOnceAndRetriesWithTheNewToken()
    {
        var id = await app.ProvisionWithTokensAsync();
        var before = await TokenRowAsync(id);
        var first = app.Heroku.AccessTokens.Single(t => t.Value.ResourceId == id); // 8 hours left: no refresh so far
        Assert.True(before.AccessTokenExpiresAt > DateTime.UtcNow.AddHours(7), "the stored token is far from its expiry");
        var newOwner = $"new-owner-{id:N}@example.com";
        app.Heroku.Addons[id].OwnerEmail = newOwner;
        app.Heroku.Revoke(id); // Heroku stops honouring it early; the refresh token still works
        var mark = app.LastCallSeq;

        await app.RunJobAsync(JobKinds.RefreshOwnerEmail, id.ToString());

        var calls = CallsSince(mark, id);
        var appPath = $"/apps/{app.Heroku.Addons[id].AppId}";
        Assert.Equal(
            [("GET", $"/addons/{id}", null, 401), ("POST", "/oauth/token", "refresh_token", 200), ("GET", $"/addons/{id}", null, 200), ("GET", appPath, null, 200)],
            calls.Select(c => (c.Method, c.Path, c.GrantType, c.Status)));
        var refreshed = app.Heroku.AccessTokens.Single(t => t.Value.ResourceId == id && t.Key != first.Key);
        Assert.Equal(first.Value.Serial + 1, refreshed.Value.Serial);
        Assert.All(calls.Skip(1), c => Assert.Equal(refreshed.Value.Serial, c.TokenSerial)); // the retry used the new token

        // The new access token is stored (encrypted), the refresh token kept, and the retried call's data landed.
        var after = await TokenRowAsync(id);
        Assert.NotEqual(before.AccessTokenCiphertext, after.AccessTokenCiphertext);
        Assert.Equal(refreshed.Key, app.Decrypt(after.AccessTokenCiphertext!));
        Assert.Equal(app.Decrypt(before.RefreshTokenCiphertext!), app.Decrypt(after.RefreshTokenCiphertext!));
        Assert.Equal(newOwner, (await ResourceAsync(id)).OwnerEmail);

        // The next job uses the stored new token straight away: no second refresh.
        mark = app.LastCallSeq;
        await app.RunJobAsync(JobKinds.RefreshOwnerEmail, id.ToString());
        Assert.Equal([200, 200], CallsSince(mark, id).Select(c => c.Status));
        Assert.All(CallsSince(mark, id), c => Assert.Equal(refreshed.Value.Serial, c.TokenSerial));
    }

    [Fact]
    public async Task PlatformCall_401AgainAfterTheRefresh_FailsWithoutASecondRefresh()
    {
        var id = await app.ProvisionWithTokensAsync();
        var emailBefore = (await ResourceAsync(id)).OwnerEmail;
        var mark = app.LastCallSeq;
        app.Heroku.FailNext(401, count: 2, pathContains: $"/addons/{id}");

        var error = await Assert.ThrowsAsync<PlatformApiException>(() => app.RunJobAsync(JobKinds.RefreshOwnerEmail, id.ToString()));

        Assert.Equal(HttpStatusCode.Unauthorized, error.Status);
        Assert.Equal(
            [("GET", $"/addons/{id}", 401), ("POST", "/oauth/token", 200), ("GET", $"/addons/{id}", 401)],
            CallsSince(mark, id).Select(c => (c.Method, c.Path, c.Status)));
        Assert.Equal(emailBefore, (await ResourceAsync(id)).OwnerEmail);
    }

    [Fact]
    public async Task RefreshRefusedAfterA401_FailsTheJobForHangfireToRetry_ChangingNothingAndLoggingNoToken()
    {
        var id = await app.ProvisionWithTokensAsync();
        var tokensBefore = await TokenRowAsync(id);
        var resourceBefore = await ResourceAsync(id);
        app.Heroku.Addons[id].OwnerEmail = $"new-owner-{id:N}@example.com";
        app.Heroku.Revoke(id, refreshTokens: true); // the user removed the authorization: nothing we hold works
        var mark = app.LastCallSeq;
        try
        {
            // Through the outbox and Hangfire, as a worker runs it.
            await using (var db = app.Db())
            {
                db.Enqueue(JobKinds.RefreshOwnerEmail, id.ToString(), DateTime.UtcNow);
                await db.SaveChangesAsync();
            }
            await Eventually(async () => (await app.HangfireJobsAsync(JobKinds.RefreshOwnerEmail, id.ToString())).LastOrDefault()?.StartsWith("Scheduled|Retry attempt") == true,
                because: "the job to fail and be scheduled for a retry",
                state: async () => $"jobs: {string.Join("; ", await app.HangfireJobsAsync(JobKinds.RefreshOwnerEmail, id.ToString()))}");

            var jobs = await app.HangfireJobsAsync(JobKinds.RefreshOwnerEmail, id.ToString());
            Assert.Equal(2, jobs.Count); // the read after the grant exchange, then ours
            Assert.StartsWith("Succeeded|", jobs[0]);
            var job = jobs[1];
            Assert.Contains("token endpoint refused", job); // the retry names the OAuth refusal, not a crash elsewhere
            var calls = CallsSince(mark, id);
            Assert.Equal([("GET", $"/addons/{id}", null, 401), ("POST", "/oauth/token", "refresh_token", 400)],
                calls.Take(2).Select(c => (c.Method, c.Path, c.GrantType, c.Status)));
            Assert.DoesNotContain(calls, c => c.Status == 200 || c.Path.StartsWith("/apps/"));

            // Nothing stored changed: the old (refused) tokens stay for a later attempt, the email is as it was.
            var tokensAfter = await TokenRowAsync(id);
            Assert.Equal((tokensBefore.AccessTokenCiphertext, tokensBefore.RefreshTokenCiphertext, tokensBefore.AccessTokenExpiresAt),
                (tokensAfter.AccessTokenCiphertext, tokensAfter.RefreshTokenCiphertext, tokensAfter.AccessTokenExpiresAt));
            var resourceAfter = await ResourceAsync(id);
            Assert.Equal((resourceBefore.OwnerEmail, resourceBefore.OwnerEmailRefreshedAt), (resourceAfter.OwnerEmail, resourceAfter.OwnerEmailRefreshedAt));

            // The failure is logged (the control) without any token or grant code Heroku ever issued.
            var logs = app.Logs.ToList();
            Assert.Contains(logs, l => l.Contains(JobKinds.RefreshOwnerEmail) && l.Contains(id.ToString()) && l.Contains("failed"));
            var secrets = app.Heroku.AccessTokens.Keys.Concat(app.Heroku.RefreshTokens.Keys).Concat(app.Heroku.UsedCodes.Keys).ToList();
            Assert.NotEmpty(secrets);
            foreach (var secret in secrets)
                Assert.DoesNotContain(logs, l => l.Contains(secret, StringComparison.Ordinal));
        }
        finally
        {
            // A deprovisioned resource's retries return early instead of calling Heroku for hours.
            await app.DeprovisionAsync("mobiloud", id);
        }
    }
}
