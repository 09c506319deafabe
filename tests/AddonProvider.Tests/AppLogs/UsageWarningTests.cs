using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Inference;
using AddonProvider.Web.Kafka;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Tests.AppLogs;

/// <summary>
/// Usage warnings at 80% and 100% of a plan limit: one email per threshold per day to the verified contacts (in-test SMTP
/// server), a dashboard banner and an app-log line; operators can turn them off. The test plays the worker.
/// </summary>
public sealed class UsageWarningTests(AppLogFixture app) : IClassFixture<AppLogFixture>
{
    private static readonly object Rerank = new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos" } };

    /// <summary>Gives the resource an owner email (the Platform API's answer) and a verified SSO user, the contacts advisories use too.</summary>
    private async Task<(string Owner, string Verified, string Unverified)> ContactsAsync(Guid id)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (owner, verified, unverified) = ($"owner-{tag}@customer.example", $"dev-{tag}@customer.example", $"claimed-{tag}@customer.example");
        await using var db = app.Db();
        await db.Resources.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerEmail, owner));
        var now = DateTime.UtcNow;
        db.SsoUsers.Add(new SsoUser { ResourceId = id, UserId = $"user-{tag}", Email = verified, Verified = true, FirstLoginAt = now, LastLoginAt = now });
        db.SsoUsers.Add(new SsoUser { ResourceId = id, UserId = $"claimed-{tag}", Email = unverified, Verified = false, FirstLoginAt = now, LastLoginAt = now });
        await db.SaveChangesAsync();
        return (owner, verified, unverified);
    }

    private List<SmtpListener.Message> MailTo(string address) =>
        app.Smtp.Accepted.Where(m => m.To.Contains(address, StringComparer.OrdinalIgnoreCase)).ToList();

    private async Task CreateTopicsAsync(Guid id, int from, int to)
    {
        await using var scope = app.App.Services.CreateAsyncScope();
        var kafka = scope.ServiceProvider.GetRequiredService<KafkaAdmin>();
        for (var i = from; i <= to; i++)
            Assert.Null(await kafka.CreateTopicAsync(id, $"t{i}", 1, 1, CancellationToken.None));
    }

    [Fact]
    public async Task KafkaTopics_Crossing80And100_OneEmailPerThresholdPerDay_BannerAndAppLogLine()
    {
        var (token, url) = await app.NewDrainAsync();
        var (id, _) = await app.ProvisionWithDrainAsync("kafkacluster", "starter", url); // 10 topics
        var (owner, verified, unverified) = await ContactsAsync(id);

        await CreateTopicsAsync(id, 1, 7);
        await using (var db = app.Db())
            Assert.False(await db.UsageWarnings.AnyAsync(w => w.ResourceId == id), "70% warns nobody");
        await CreateTopicsAsync(id, 8, 8);
        Assert.Empty(await app.RunJobsAsync(times: 2)); // every job twice, as a retry or a second dyno would
        Assert.Single(MailTo(owner));
        Assert.Contains("topics at 80% of the plan's limit", MailTo(owner)[0].Subject);
        Assert.Contains("Usage warning: topics is at 80% or more of the plan's limit (8 of 10).", MailTo(owner)[0].Body);

        await CreateTopicsAsync(id, 9, 10);
        await using (var scope = app.App.Services.CreateAsyncScope())
        {
            var kafka = scope.ServiceProvider.GetRequiredService<KafkaAdmin>();
            var name = KafkaTenancy.FullName(id, "t10");
            Assert.Null(await kafka.DeleteTopicAsync(id, name, name, CancellationToken.None));
            Assert.Null(await kafka.CreateTopicAsync(id, "t10-again", 1, 1, CancellationToken.None)); // 100% again, same day
        }
        Assert.Empty(await app.RunJobsAsync(times: 2));

        foreach (var contact in new[] { owner, verified })
            Assert.Equal(["80", "100"], MailTo(contact).Select(m => m.Subject!.Contains("at 100%") ? "100" : "80").ToArray());
        Assert.Empty(MailTo(unverified)); // an unverified login's email is only a claim
        await using (var db = app.Db())
            Assert.Equal([80, 100], await db.UsageWarnings.Where(w => w.ResourceId == id && w.LimitKey == "topics").OrderBy(w => w.Threshold).Select(w => w.Threshold).ToListAsync());

        using var client = await app.SsoLoginAsync(id);
        var html = await client.GetStringAsync($"/dashboard/{id}/kafka");
        Assert.Contains("data-usage-limit=\"topics\" data-threshold=\"100\"", html);
        Assert.Contains("Usage warning: topics reached the plan's limit (10 of 10).", System.Net.WebUtility.HtmlDecode(html));

        await app.ShipAsync();
        var received = await app.ReceivedAsync(token);
        Assert.Empty(received.Rejections);
        Assert.Equal(1, received.Messages.Count(m => m.StartsWith("Usage warning: topics is at 80%", StringComparison.Ordinal)));
        Assert.Equal(1, received.Messages.Count(m => m.StartsWith("Usage warning: topics reached the plan's limit (10 of 10)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task InferenceRequestsPerMinute_AtTheLimitThreeConsecutiveMinutes_WarnsOncePerThreshold()
    {
        var (id, config) = await app.ProvisionWithDrainAsync("inference", "cohere-rerank-3-5", logInputUrl: null); // 5 requests/min at this scale
        var (owner, _, _) = await ContactsAsync(id);
        var key = config.GetProperty("INFERENCE_KEY").GetString()!;
        for (var i = 0; i < 5; i++)
            using (var ok = await app.Client.SendAsync(Inference.InferenceFixture.Call(key, "/v1/rerank", Rerank)))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        async Task SampleAsync()
        {
            if (await app.RunJobAsync(UsageSampleJob.Kind, "") is { } e) throw new Xunit.Sdk.XunitException($"sampling failed: {e}");
        }
        async Task<int> WarningsAsync()
        {
            await using var db = app.Db();
            return await db.UsageWarnings.CountAsync(w => w.ResourceId == id);
        }

        await SampleAsync();
        await SampleAsync(); // a second run in the same minute is the same sample
        app.TestClock.Now += TimeSpan.FromMinutes(1);
        await SampleAsync();
        Assert.Equal(0, await WarningsAsync()); // two minutes at the limit are not three
        app.TestClock.Now += TimeSpan.FromMinutes(1);
        await SampleAsync();
        Assert.Equal(2, await WarningsAsync()); // 80% and 100% of 5 requests/min
        app.TestClock.Now += TimeSpan.FromMinutes(1);
        await SampleAsync(); // still at the limit: still one warning per threshold today
        Assert.Equal(2, await WarningsAsync());

        Assert.Empty(await app.RunJobsAsync(times: 2));
        var mail = MailTo(owner);
        Assert.Equal(2, mail.Count);
        Assert.Contains(mail, m => m.Body.Contains("Usage warning: requests per minute for cohere-rerank-3-5 reached the plan's limit (5 of 5)."));
        Assert.Contains(mail, m => m.Body.Contains("Usage warning: requests per minute for cohere-rerank-3-5 is at 80% or more"));
        Assert.DoesNotContain(mail, m => m.Raw.Contains(key));
    }

    [Fact]
    public async Task InferenceUsage_AGapOfAMinute_StartsTheStreakOver()
    {
        var (id, config) = await app.ProvisionWithDrainAsync("inference", "cohere-rerank-3-5", logInputUrl: null);
        var key = config.GetProperty("INFERENCE_KEY").GetString()!;
        for (var i = 0; i < 4; i++) // 80% of 5
            using (var ok = await app.Client.SendAsync(Inference.InferenceFixture.Call(key, "/v1/rerank", Rerank)))
                Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await app.RunJobAsync(UsageSampleJob.Kind, "");
        app.TestClock.Now += TimeSpan.FromMinutes(1);
        await app.RunJobAsync(UsageSampleJob.Kind, "");
        app.TestClock.Now += TimeSpan.FromMinutes(2); // the worker missed a minute
        await app.RunJobAsync(UsageSampleJob.Kind, "");
        await using var db = app.Db();
        Assert.False(await db.UsageWarnings.AnyAsync(w => w.ResourceId == id));
        Assert.Equal(app.TestClock.Now.UtcDateTime.AddTicks(-(app.TestClock.Now.UtcTicks % TimeSpan.TicksPerMinute)),
            (await db.UsageStreaks.SingleAsync(s => s.ResourceId == id && s.Threshold == 80)).Since);
    }

    [Fact]
    public async Task WarningsTurnedOff_NoWarning_NoEmail_NoBanner()
    {
        var (id, _) = await app.ProvisionWithDrainAsync("kafkacluster", "free", logInputUrl: null); // 3 topics
        var (owner, _, _) = await ContactsAsync(id);
        using (var off = await app.SendAsync(HttpMethod.Put, $"/admin/resources/{id}/usage-warnings", new { enabled = false }, AdminRoles.Operator))
        {
            var body = await off.ExpectAsync(HttpStatusCode.OK);
            Assert.False(body.GetProperty("enabled").GetBoolean());
            Assert.Equal(id, body.GetProperty("resourceId").GetGuid());
        }
        await CreateTopicsAsync(id, 1, 3);
        Assert.Empty(await app.RunJobsAsync());

        Assert.Empty(MailTo(owner));
        await using (var db = app.Db())
        {
            Assert.False(await db.UsageWarnings.AnyAsync(w => w.ResourceId == id));
            Assert.Contains(await db.AuditLog.Where(a => a.ResourceId == id).Select(a => a.Action).ToListAsync(), a => a == "usage_warnings");
        }
        using var client = await app.SsoLoginAsync(id);
        Assert.DoesNotContain("usage-warning", await client.GetStringAsync($"/dashboard/{id}/kafka"));

        using var on = await app.SendAsync(HttpMethod.Put, $"/admin/resources/{id}/usage-warnings", new { enabled = true }, AdminRoles.Operator);
        Assert.True((await on.ExpectAsync(HttpStatusCode.OK)).GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task OpenApi_DescribesTheUsageWarningsSwitch()
    {
        using var response = await app.SendAsync(HttpMethod.Get, "/admin/openapi/admin.json", role: AdminRoles.Operator);
        var document = await response.ExpectAsync(HttpStatusCode.OK);
        var put = document.GetProperty("paths").GetProperty("/admin/resources/{id}/usage-warnings").GetProperty("put");
        Assert.True(put.TryGetProperty("requestBody", out _));
        Assert.True(put.GetProperty("responses").TryGetProperty("200", out _));
    }

    [Fact]
    public async Task Console_ResourcePage_ShowsAndFlipsTheUsageWarningsSwitch()
    {
        var (id, _) = await app.ProvisionWithDrainAsync("kafkacluster", "free", logInputUrl: null);
        using var console = await Operators.ConsoleClient.SignedInAsync(app, AdminRoles.Operator);
        var page = await console.GetPageAsync($"/console/resources/{id}");
        Assert.Contains("id=\"usage-warnings-state\">On:", page);

        using (var missingToken = await console.PostAsync($"/console/resources/{id}/usage-warnings", new() { ["enabled"] = "false" }, withAntiforgery: false))
            Assert.Equal(HttpStatusCode.BadRequest, missingToken.StatusCode);
        using (var off = await console.PostAsync($"/console/resources/{id}/usage-warnings", new() { ["enabled"] = "false" }))
            Assert.Equal(HttpStatusCode.Redirect, off.StatusCode);
        Assert.Contains("id=\"usage-warnings-state\">Off since", await console.GetPageAsync($"/console/resources/{id}"));
        await using var db = app.Db();
        Assert.NotNull(await db.Resources.Where(r => r.Id == id).Select(r => r.UsageWarningsDisabledAt).SingleAsync());
    }

    [Theory]
    [InlineData("{}", HttpStatusCode.UnprocessableEntity, "enabled is required")]
    [InlineData("{\"enabled\": \"no\"}", HttpStatusCode.UnprocessableEntity, "enabled must be a boolean")]
    [InlineData("{\"enabled\": null}", HttpStatusCode.UnprocessableEntity, "enabled must be a boolean")]
    [InlineData("[true]", HttpStatusCode.BadRequest, "JSON object")]
    [InlineData("{\"enabled\": fal", HttpStatusCode.BadRequest, "not valid JSON")]
    public async Task UsageWarningsToggle_BadBody_Is4xxNamingTheProblem_ChangingNothing(string json, HttpStatusCode status, string fragment)
    {
        var (id, _) = await app.ProvisionWithDrainAsync("kafkacluster", "free", logInputUrl: null);
        using var response = await app.SendAsync(HttpMethod.Put, $"/admin/resources/{id}/usage-warnings", json, AdminRoles.Operator);
        await response.ExpectProblemAsync(status, fragment);
        await using var db = app.Db();
        Assert.Null(await db.Resources.Where(r => r.Id == id).Select(r => r.UsageWarningsDisabledAt).SingleAsync());
    }

    [Fact]
    public async Task UsageWarningsToggle_NeedsTheOperatorRole_AndAnExistingResource()
    {
        var (id, _) = await app.ProvisionWithDrainAsync("kafkacluster", "free", logInputUrl: null);
        using (var security = await app.SendAsync(HttpMethod.Put, $"/admin/resources/{id}/usage-warnings", new { enabled = false }, AdminRoles.Security))
            Assert.Equal(HttpStatusCode.Forbidden, security.StatusCode);
        using (var anonymous = await app.SendAsync(HttpMethod.Put, $"/admin/resources/{id}/usage-warnings", new { enabled = false }, role: null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using (var missing = await app.SendAsync(HttpMethod.Put, $"/admin/resources/{Guid.NewGuid()}/usage-warnings", new { enabled = false }, AdminRoles.Operator))
            await missing.ExpectProblemAsync(HttpStatusCode.NotFound, "No resource");
        await using var db = app.Db();
        Assert.Null(await db.Resources.Where(r => r.Id == id).Select(r => r.UsageWarningsDisabledAt).SingleAsync());
    }
}
