using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AddonProvider.Tests.Dashboard;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Tests.Security;
using AddonProvider.Web.Admin;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.AppLogs;

/// <summary>
/// Our events in the customer's app logs: provisions carry <c>log_input_url</c>, events become rows, the (test-driven)
/// shipping job posts them to the simulated Logplex over HTTP, which checks the framing and records what it received.
/// </summary>
public sealed class AppLogTests(AppLogFixture app) : IClassFixture<AppLogFixture>
{
    private static readonly object Rerank = new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos" } };

    /// <summary>Every post well framed (the simulator refused none), its count header equal to its frames, each frame an add-on line.</summary>
    private static void AssertWellFramed(AppLogFixture.Received received, string procId)
    {
        Assert.Empty(received.Rejections);
        Assert.NotEmpty(received.Posts);
        foreach (var post in received.Posts)
        {
            Assert.Equal(post.Frames.Count, post.MsgCount);
            Assert.StartsWith("AddonProvider-", post.UserAgent);
            foreach (var frame in post.Frames)
                Assert.Matches($@"^<190>1 \d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{{6}}\+00:00 host app {procId} - - \S", frame);
        }
    }

    private static void AssertNoSecret(AppLogFixture.Received received, params string[] secrets)
    {
        foreach (var frame in received.Frames)
            foreach (var secret in secrets.Where(s => s.Length > 0))
                Assert.DoesNotContain(secret, frame, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Frame_CountsOctetsOfUtf8_NotCharacters()
    {
        var frame = LogplexFrames.Frame(new DateTime(2026, 11, 30, 10, 0, 0, DateTimeKind.Utc), "mobiloud", "café ✓");
        var space = frame.IndexOf(' ');
        Assert.Equal(int.Parse(frame[..space], CultureInfo.InvariantCulture), Encoding.UTF8.GetByteCount(frame[(space + 1)..]));
        Assert.Equal("<190>1 2026-11-30T10:00:00.000000+00:00 host app mobiloud - - café ✓", frame[(space + 1)..]);
    }

    [Fact]
    public async Task Provision_WithLogInputUrl_StoresItEncrypted_AndNeverLogsIt()
    {
        var (token, url) = await app.NewDrainAsync();
        var (id, _) = await app.ProvisionWithDrainAsync("mobiloud", "test", url);

        await using var db = app.Db();
        var drain = await db.LogDrains.SingleAsync(d => d.ResourceId == id);
        Assert.DoesNotContain(token, drain.UrlCiphertext);
        Assert.Equal(url, app.Decrypt(drain.UrlCiphertext));
        var audit = await db.AuditLog.SingleAsync(a => a.ResourceId == id && a.Action == "provision");
        Assert.True(System.Text.Json.JsonDocument.Parse(audit.Detail!).RootElement.GetProperty("log_drain").GetBoolean());
        Assert.DoesNotContain(token, audit.Detail ?? "");

        AppLog.Suspended(db, id, DateTime.UtcNow);
        await db.SaveChangesAsync();
        await app.ShipAsync();
        Assert.DoesNotContain(app.Logs, line => line.Contains(token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Provision_WithUnusableLogInputUrl_SucceedsWithoutADrain()
    {
        var (id, _) = await app.ProvisionWithDrainAsync("mobiloud", "test", "not a url");
        await using var db = app.Db();
        Assert.False(await db.LogDrains.AnyAsync(d => d.ResourceId == id));
    }

    [Fact]
    public async Task KafkaEvents_RotationRevocationQuotaRefusalAdvisorySuspension_ReachLogplex_WellFramed_WithoutSecrets()
    {
        var (token, url) = await app.NewDrainAsync();
        var (id, config) = await app.ProvisionWithDrainAsync("kafkacluster", "free", url);
        var firstPassword = config.GetProperty("KAFKACLUSTER_PASSWORD").GetString()!;

        using (var rotated = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", new { revokePrevious = true }, AdminRoles.Operator))
            await rotated.ExpectAsync(HttpStatusCode.Accepted);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var kafka = scope.ServiceProvider.GetRequiredService<KafkaAdmin>();
            Assert.Null(await kafka.CreateTopicAsync(id, "orders", 1, 1, CancellationToken.None));
            Assert.NotNull(await kafka.CreateTopicAsync(id, "too-wide", 4, 1, CancellationToken.None)); // the free plan allows 3 partitions
        }
        using (var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories", AdvisoryApiTests.Body(new { resourceIds = new[] { id } }, "Broker auth bypass — über-critical")))
        {
            var advisory = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
            using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{advisory}/publish");
            await published.ExpectAsync(HttpStatusCode.Accepted);
        }
        Assert.Empty(await app.RunJobsAsync());
        // The operators' suspend and resume calls write their lines in the transaction that changes the resource.
        using (var suspended = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/suspend", new { reason = "abuse report 42" }, AdminRoles.Operator))
            await suspended.ExpectAsync(HttpStatusCode.OK);
        using (var resumed = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/resume", new { reason = "resolved" }, AdminRoles.Operator))
            await resumed.ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(await app.RunJobsAsync());
        await app.ShipAsync();

        var received = await app.ReceivedAsync(token);
        AssertWellFramed(received, "kafkacluster");
        var messages = received.Messages.ToList();
        Assert.Contains(messages, m => m.StartsWith("Credentials rotated: a new credential was issued and every previous one was revoked at once", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Credential revoked:", StringComparison.Ordinal));
        Assert.Contains(messages, m => m == "KafkaCluster quota refused a change: Partitions must be between 1 and 3 on the free plan.");
        Assert.Contains(messages, m => m.StartsWith("Security advisory (high): Broker auth bypass — über-critical.", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Add-on suspended by the provider", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.StartsWith("Add-on resumed by the provider", StringComparison.Ordinal));
        Assert.DoesNotContain(messages, m => m.Contains("abuse report 42", StringComparison.Ordinal)); // the operator's reason is for the dashboard

        await using var check = app.Db();
        var passwords = (await check.Credentials.Where(c => c.ResourceId == id).Select(c => c.SecretCiphertext).ToListAsync()).Select(app.Decrypt).Append(firstPassword).ToArray();
        AssertNoSecret(received, [.. passwords, token, url, AppFixture.DevPassword("kafkacluster")]);
        Assert.False(await check.LogEvents.AnyAsync(e => e.ResourceId == id), "shipped lines are deleted");
    }

    [Fact]
    public async Task MobiLoudSubmission_ReachesLogplex()
    {
        var (token, url) = await app.NewDrainAsync();
        var (id, _) = await app.ProvisionWithDrainAsync("mobiloud", "essential", url);
        var client = await app.SsoLoginAsync(id);
        using (var site = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud", $"/dashboard/{id}/mobiloud/website",
            MobiLoudDashboardTests.F(("website_url", "https://shop.example.com"))))
            Assert.Equal(HttpStatusCode.Redirect, site.StatusCode);
        var page = $"/dashboard/{id}/mobiloud/publish";
        using (var ok = await AppFixture.PostFormAsync(client, page, page, new Dictionary<string, string>(MobiLoudDashboardTests.CompleteRequest()) { ["version"] = "0" }))
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.Empty((await app.ReceivedAsync(token)).Posts); // nothing is sent on the request path

        await app.ShipAsync();
        var received = await app.ReceivedAsync(token);
        AssertWellFramed(received, "mobiloud");
        Assert.Contains(received.Messages, m => m.StartsWith("MobiLoud publishing request submitted (status: submitted, plan essential)", StringComparison.Ordinal));
        AssertNoSecret(received, token, url);
    }

    [Fact]
    public async Task RateLimitRefusals_ManyRefusedRequests_OneLineWithTheCount_NoKey()
    {
        var (token, url) = await app.NewDrainAsync();
        var (id, config) = await app.ProvisionWithDrainAsync("inference", "cohere-rerank-3-5", url);
        var key = config.GetProperty("INFERENCE_KEY").GetString()!;
        for (var i = 0; i < 5; i++)
            using (var ok = await app.Client.SendAsync(Inference.InferenceFixture.Call(key, "/v1/rerank", Rerank)))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        const int refused = 25;
        for (var i = 0; i < refused; i++)
            using (var no = await app.Client.SendAsync(Inference.InferenceFixture.Call(key, "/v1/rerank", Rerank)))
                Assert.Equal(HttpStatusCode.TooManyRequests, no.StatusCode);
        await using (var db = app.Db())
            Assert.False(await db.LogEvents.AnyAsync(e => e.ResourceId == id), "no row per refused request");

        await app.FlushRefusalsAsync();
        await app.ShipAsync();
        var received = await app.ReceivedAsync(token);
        AssertWellFramed(received, "inference");
        var lines = received.Messages.Where(m => m.StartsWith("Rate limit:", StringComparison.Ordinal)).ToList();
        // The web dyno's own once-a-minute timer may have flushed mid-test: then two lines, never one per request.
        Assert.InRange(lines.Count, 1, 2);
        Assert.Equal(refused, lines.Sum(l => int.Parse(Regex.Match(l, @"^Rate limit: (\d+) requests refused").Groups[1].Value, CultureInfo.InvariantCulture)));
        if (lines.Count == 1)
            Assert.Equal($"Rate limit: {refused} requests refused with 429 in the last minute (cohere-rerank-3-5: {refused}). Slow down or move to a plan with higher limits; the x-ratelimit-* headers show what is left.", lines[0]);
        AssertNoSecret(received, key, token, url);
    }

    [Fact]
    public async Task NoLogInputUrl_NothingSent_NothingFails_AndLinesAreDropped()
    {
        var (id, _) = await app.ProvisionWithDrainAsync("kafkacluster", "free", logInputUrl: null);
        using (var rotated = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/rotate-credentials", null, AdminRoles.Operator))
            await rotated.ExpectAsync(HttpStatusCode.Accepted);
        await using (var db = app.Db())
            Assert.True(await db.LogEvents.AnyAsync(e => e.ResourceId == id)); // written with the rotation, like any resource's
        var postsBefore = app.Simulator.State.Logplex.Posts.Values.Sum(q => q.Count) + app.Simulator.State.Logplex.Rejections.Values.Sum(q => q.Count);

        await app.ShipAsync();

        Assert.Equal(postsBefore, app.Simulator.State.Logplex.Posts.Values.Sum(q => q.Count) + app.Simulator.State.Logplex.Rejections.Values.Sum(q => q.Count));
        await using var after = app.Db();
        Assert.False(await after.LogEvents.AnyAsync(e => e.ResourceId == id));
        Assert.False(await after.LogDrains.AnyAsync(d => d.ResourceId == id));
    }

    [Fact]
    public async Task DeadDrain_BacksOff_KeepsItsLines_AndDoesNotHoldUpOthers()
    {
        var (deadToken, deadUrl) = await app.NewDrainAsync();
        var (liveToken, liveUrl) = await app.NewDrainAsync();
        var (dead, _) = await app.ProvisionWithDrainAsync("mobiloud", "test", deadUrl);
        var (live, _) = await app.ProvisionWithDrainAsync("mobiloud", "test", liveUrl);
        using (var fault = await app.SimulatorClient.PostAsync($"/_logplex/{deadToken}/faults", System.Net.Http.Json.JsonContent.Create(new { status = 503, count = 1 })))
            Assert.Equal(HttpStatusCode.NoContent, fault.StatusCode);
        await using (var db = app.Db())
        {
            AppLog.Suspended(db, dead, DateTime.UtcNow);
            AppLog.Suspended(db, live, DateTime.UtcNow);
            await db.SaveChangesAsync();
        }

        await app.ShipAsync();
        Assert.Single((await app.ReceivedAsync(liveToken)).Posts);
        Assert.Equal(["503 simulated fault"], (await app.ReceivedAsync(deadToken)).Rejections);
        await using (var db = app.Db())
        {
            var drain = await db.LogDrains.SingleAsync(d => d.ResourceId == dead);
            Assert.Equal(1, drain.Failures);
            Assert.Equal("HTTP 503", drain.LastError);
            Assert.True(await db.LogEvents.AnyAsync(e => e.ResourceId == dead), "a refused batch is kept for the retry");
        }

        await app.ShipAsync(); // within the backoff: no attempt
        Assert.Single((await app.ReceivedAsync(deadToken)).Rejections);
        Assert.Empty((await app.ReceivedAsync(deadToken)).Posts);

        app.TestClock.Now += ShipLogsJob.Backoff(1) + TimeSpan.FromSeconds(1);
        await app.ShipAsync();
        var received = await app.ReceivedAsync(deadToken);
        Assert.Single(received.Posts);
        Assert.StartsWith("Add-on suspended", received.Messages.Single());
        Assert.Single((await app.ReceivedAsync(liveToken)).Posts); // nothing shipped twice
        await using var final = app.Db();
        Assert.Equal(0, (await final.LogDrains.SingleAsync(d => d.ResourceId == dead)).Failures);
    }
}
