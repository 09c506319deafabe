using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using AddonProvider.Tests.Inference;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Sso;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Throttle;

/// <summary>
/// An attacker with nothing but HTTP, guessing credentials from one address on every surface: past AUTH_FAILURE_LIMIT
/// refusals a minute, unknown credentials are a 429 with Retry-After in the surface's own error shape and cost no
/// database look-up, while credentials already seen valid from the same address keep working.
/// Look-ups are counted by a command interceptor on the app's DbContext (<see cref="CommandCounter"/>).
/// </summary>
public sealed class AuthFailureThrottleTests(ThrottleFixture app) : IClassFixture<ThrottleFixture>
{
    private const int Limit = ThrottleFixture.Limit;

    private static string JunkInferenceKey() => "inf-" + RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 48);

    private static readonly object RerankBody = new { model = "cohere-rerank-3-5", query = "kafka", documents = new[] { "kafka is a log", "tea" } };

    private Task<HttpResponseMessage> RerankAsync(string key, string address) =>
        app.Client.SendAsync(InferenceFixture.Call(key, "/v1/rerank", RerankBody).From(address));

    [Fact]
    public async Task Inference_300WellFormedJunkKeys_Are429AfterTheLimit_WithAtMostLimitPlusOneLookUps_AndAValidKeyIsStillServed()
    {
        var address = app.NewAddress();
        var (_, provisioned) = await app.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        var key = provisioned.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
        using (var first = await RerankAsync(key, address)) await first.ExpectAsync(HttpStatusCode.OK);

        app.Commands.Reset();
        var statuses = new List<int>();
        for (var i = 0; i < 300; i++)
        {
            using var response = await RerankAsync(JunkInferenceKey(), address);
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && statuses.Count(s => s == 429) == 1)
            {
                var message = await response.ExpectInferenceErrorAsync(HttpStatusCode.TooManyRequests, "rate_limit_error");
                Assert.Contains("failed authentication", message);
                Assert.InRange(int.Parse(response.Header("Retry-After")), 1, 60);
            }
        }
        using (var valid = await RerankAsync(key, address)) await valid.ExpectAsync(HttpStatusCode.OK);

        Assert.True(statuses.Take(Limit).All(s => s == 401), $"the first {Limit} junk keys: {string.Join(",", statuses.Take(Limit))}");
        Assert.True(statuses.Skip(Limit).All(s => s == 429), $"after the limit: {string.Join(",", statuses.Skip(Limit).Distinct())}");
        var lookups = app.Commands.Count("lookup_hash");
        Assert.True(lookups <= Limit + 1, $"{lookups} key look-ups for 300 junk keys and one valid key (at most {Limit + 1} allowed)");
    }

    [Fact]
    public async Task Inference_MalformedKeys_NeverReachTheDatabase()
    {
        var address = app.NewAddress();
        app.Commands.Reset();
        string[] malformed =
        [
            "inf-" + new string('a', 47), "inf-" + new string('a', 49), "inf-" + new string('a', 47) + "!",
            "sk-" + new string('a', 49), "inf-" + new string('a', 47) + "_", "inf-" + new string('a', 4000),
        ];
        foreach (var key in malformed)
        {
            using var response = await RerankAsync(key, address);
            await response.ExpectInferenceErrorAsync(HttpStatusCode.Unauthorized, "authentication_error", "Invalid API key: it is unknown, revoked or expired.");
        }
        Assert.Equal(0, app.Commands.Count("lookup_hash"));
    }

    [Fact]
    public async Task PartnerApi_WrongPasswords_Are429AfterTheLimit_HerokusPasswordStillWorks_AndNothingChanged()
    {
        var address = app.NewAddress();
        using (var heroku = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"), "mobiloud").From(address)))
            await heroku.ExpectAsync(HttpStatusCode.OK);
        int resources;
        await using (var db = app.Db()) resources = await db.Resources.CountAsync();

        var statuses = new List<int>();
        for (var i = 0; i < Limit + 5; i++)
        {
            using var guess = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources",
                AppFixture.ProvisionBody(Guid.NewGuid(), "test"), "mobiloud", password: $"guess-{i}").From(address));
            statuses.Add((int)guess.StatusCode);
            if (i == Limit)
            {
                await guess.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "failed authentication");
                Assert.InRange(int.Parse(guess.Headers.GetValues("Retry-After").Single()), 1, 60);
                Assert.Empty(guess.Headers.WwwAuthenticate);
            }
        }
        Assert.Equal(Enumerable.Repeat(401, Limit).Concat(Enumerable.Repeat(429, 5)), statuses);

        using (var heroku = await app.Client.SendAsync(app.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"), "mobiloud").From(address)))
            await heroku.ExpectAsync(HttpStatusCode.OK);
        await using var after = app.Db();
        Assert.Equal(resources + 1, await after.Resources.CountAsync()); // only Heroku's own provision
    }

    private HttpRequestMessage SsoPost(Dictionary<string, string> form, string address) =>
        new HttpRequestMessage(HttpMethod.Post, "/sso/login") { Content = new FormUrlEncodedContent(form) }.From(address);

    [Fact]
    public async Task Sso_ForgedTokens_Are429AfterTheLimit_WithoutAResourceLookUp_AndAValidLoginStillWorks()
    {
        var address = app.NewAddress();
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "test");
        int users;
        await using (var db = app.Db()) users = await db.SsoUsers.CountAsync();

        for (var i = 0; i < Limit; i++)
        {
            var forged = app.SsoForm(Guid.NewGuid(), "mobiloud", userId: $"attacker-{i}");
            forged["user_scoped_resource_token"] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
            using var refused = await app.Client.SendAsync(SsoPost(forged, address));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }

        app.Commands.Reset();
        var another = app.SsoForm(id, "mobiloud", userId: "attacker-x");
        another["user_scoped_resource_token"] = new string('0', 64);
        using (var throttled = await app.Client.SendAsync(SsoPost(another, address)))
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
            Assert.Equal("text/html", throttled.Content.Headers.ContentType?.MediaType);
            Assert.Contains("failed authentication", await throttled.Content.ReadAsStringAsync());
            Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single()), 1, 60);
        }
        Assert.Equal(0, app.Commands.Count("resources"));

        using var browser = app.NewBrowserClient();
        var valid = app.SsoForm(id, "mobiloud");
        using (var login = await browser.SendAsync(SsoPost(valid, address)))
            Assert.True(login.StatusCode == HttpStatusCode.Redirect, $"a valid login from the throttled address answered {(int)login.StatusCode}");
        await using var after = app.Db();
        Assert.Equal(users + 1, await after.SsoUsers.CountAsync()); // the real user only, no attacker id
        Assert.False(await after.SsoUsers.AnyAsync(u => u.UserId.StartsWith("attacker")));
    }

    private HttpRequestMessage Bearer(HttpMethod method, string path, string token, string address)
    {
        var request = new HttpRequestMessage(method, path).From(address);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    [Fact]
    public async Task Admin_JunkTokens_Are429AfterTheLimit_ASeenTokenStillWorks_AndTheJobsSignInCountsApart()
    {
        var address = app.NewAddress();
        var token = AppFixture.Token(AdminRoles.Operator);
        using (var ok = await app.Client.SendAsync(Bearer(HttpMethod.Get, "/admin/resources", token, address))) await ok.ExpectAsync(HttpStatusCode.OK);

        for (var i = 0; i < Limit; i++)
        {
            using var refused = await app.Client.SendAsync(Bearer(HttpMethod.Get, "/admin/resources", $"junk.{i}.token", address));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using (var throttled = await app.Client.SendAsync(Bearer(HttpMethod.Get, "/admin/resources", AdminTokens.Mint(
            AppFixture.DevJwt, "mallory", [AdminRoles.Operator], TimeSpan.FromMinutes(5), DateTime.UtcNow.AddMinutes(-30)), address)))
        {
            await throttled.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "failed authentication");
            Assert.InRange(int.Parse(throttled.Headers.GetValues("Retry-After").Single()), 1, 60);
        }
        using (var seen = await app.Client.SendAsync(Bearer(HttpMethod.Get, "/admin/resources", token, address))) await seen.ExpectAsync(HttpStatusCode.OK);

        // The jobs dashboard's token sign-in keeps its own count.
        for (var i = 0; i < Limit; i++)
        {
            using var refused = await app.Client.SendAsync(Bearer(HttpMethod.Post, "/admin/session", $"junk.{i}.token", address));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        using (var throttled = await app.Client.SendAsync(Bearer(HttpMethod.Post, "/admin/session", "junk.x.token", address)))
            await throttled.ExpectProblemAsync(HttpStatusCode.TooManyRequests, "failed authentication");
        using (var signIn = await app.Client.SendAsync(Bearer(HttpMethod.Post, "/admin/session", token, address)))
            Assert.Equal(HttpStatusCode.NoContent, signIn.StatusCode);
    }

    [Fact]
    public async Task Throttle_CountsPerAddress_AnotherAddressIsNotAffected()
    {
        var (attacker, bystander) = (app.NewAddress(), app.NewAddress());
        for (var i = 0; i <= Limit; i++)
        {
            using var _ = await RerankAsync(JunkInferenceKey(), attacker);
        }
        using (var throttled = await RerankAsync(JunkInferenceKey(), attacker)) Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        // The router appends the peer it saw: only the last X-Forwarded-For entry counts, never one the client wrote.
        using (var spoofed = await RerankAsync(JunkInferenceKey(), $"{bystander}, {attacker}")) Assert.Equal(HttpStatusCode.TooManyRequests, spoofed.StatusCode);
        using (var other = await RerankAsync(JunkInferenceKey(), bystander)) Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
    }
}
