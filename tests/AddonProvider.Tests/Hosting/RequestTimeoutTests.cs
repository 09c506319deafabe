using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Inference;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Tests.Hosting;

/// <summary>
/// A request that runs into REQUEST_TIMEOUT (3 s here) is stopped and answered 503 before the router's 30 s: in its
/// surface's error shape, with Retry-After so Heroku and the SDKs know when to come back, and with nothing committed.
/// The requests are made slow the way production makes them slow: a lock they have to wait for.
/// </summary>
public sealed class RequestTimeoutTests(ShortRequestTimeoutFixture app) : IClassFixture<ShortRequestTimeoutFixture>
{
    [Fact]
    public async Task TimedOutRequests_Are503WithRetryAfter_InTheirSurfacesShape_AndChangeNothing()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        var (appId, _) = await app.ProvisionOkAsync("mobiloud", "test");

        // Everything that reads resources waits behind this lock until it is released.
        await using var holder = new NpgsqlConnection(app.ConnectionString);
        await holder.OpenAsync();
        await using var lockTx = await holder.BeginTransactionAsync();
        await new NpgsqlCommand("LOCK TABLE resources IN ACCESS EXCLUSIVE MODE", holder, lockTx).ExecuteNonQueryAsync();

        // The key was never used, so its lookup reads resources; the plan change does too.
        var rerank = app.RerankAsync(key, new { model = "cohere-rerank-3-5", query = "q", documents = new[] { "a", "b" } });
        var planChange = app.ChangePlanAsync("mobiloud", appId, "executive");
        using var rerankAnswer = await rerank;
        using var planAnswer = await planChange;
        await lockTx.RollbackAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, rerankAnswer.StatusCode);
        Assert.Equal("5", string.Join(",", rerankAnswer.Headers.GetValues("Retry-After")));
        var inference = JsonDocument.Parse(await rerankAnswer.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal((503, "server_error"), (inference.GetProperty("code").GetInt32(), inference.GetProperty("type").GetString()));
        Assert.Contains("did not finish in time", inference.GetProperty("message").GetString());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, planAnswer.StatusCode);
        Assert.Equal("5", string.Join(",", planAnswer.Headers.GetValues("Retry-After")));
        Assert.Equal("application/problem+json", planAnswer.Content.Headers.ContentType?.MediaType);
        var problem = await planAnswer.Content.ReadAsStringAsync();
        Assert.Contains("did not finish in time", problem);
        Assert.DoesNotContain("Exception", problem);

        await using var db = app.Db();
        Assert.Equal("test", await db.Resources.Where(r => r.Id == appId).Select(r => r.PlanSlug).SingleAsync());
    }
}
