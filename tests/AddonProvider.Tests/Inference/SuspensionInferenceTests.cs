using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AddonProvider.Tests.Inference;

/// <summary>
/// A suspended add-on's key is refused on /v1 with 403 in the inference error shape, at authentication: before rate limits,
/// the size gate and the body read. Key look-ups are cached for INFERENCE_KEY_CACHE_TTL (1 s here, as by default), so the
/// waits below are bounded by a few seconds, not by luck.
/// </summary>
public sealed class SuspensionInferenceTests(InferenceFixture app, ITestOutputHelper output) : IClassFixture<InferenceFixture>
{
    private const string SuspendedMessage =
        "This add-on is suspended by the operator, so its API key is refused until it is resumed. Please contact support.";

    /// <summary>The key cache's TTL (1 s) plus ample slack for a loaded machine; a suspension must not take longer.</summary>
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(5);

    private static readonly object Rerank = new { model = "cohere-rerank-3-5", query = "scale dynos", documents = new[] { "scale your dynos", "pay the bill" } };

    private static readonly object Chat = new { model = "qwen3-235b", max_tokens = 20, messages = new[] { new { role = "user", content = "hi" } } };

    private async Task SuspendAsync(Guid id)
    {
        using var r = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/suspend", new { reason = "Unpaid invoices" }, role: AdminRoles.Operator);
        Assert.Equal("suspended", (await r.ExpectAsync(HttpStatusCode.OK)).GetProperty("state").GetString());
    }

    private async Task ResumeAsync(Guid id)
    {
        using var r = await app.SendAsync(HttpMethod.Post, $"/admin/resources/{id}/resume", role: AdminRoles.Operator);
        Assert.Equal("provisioned", (await r.ExpectAsync(HttpStatusCode.OK)).GetProperty("state").GetString());
    }

    private async Task<TimeSpan> WaitForStatusAsync(Func<Task<HttpResponseMessage>> call, HttpStatusCode status, string because)
    {
        var clock = Stopwatch.StartNew();
        HttpStatusCode last = 0;
        await Eventually(async () => { using var r = await call(); last = r.StatusCode; return r.StatusCode == status; },
            because, timeout: Propagation, state: () => Task.FromResult($"last answer {(int)last}"));
        return clock.Elapsed;
    }

    [Fact]
    public async Task Rerank_OfASuspendedAddon_Is403InTheInferenceShapeAndResumeRestoresIt()
    {
        var (id, key) = await app.KeyAsync("cohere-rerank-3-5");
        using (var ok = await app.RerankAsync(key, Rerank)) await ok.ExpectAsync(HttpStatusCode.OK);

        await SuspendAsync(id);
        var took = await WaitForStatusAsync(() => app.RerankAsync(key, Rerank), HttpStatusCode.Forbidden, "the suspension to reach the key cache");
        output.WriteLine($"suspension refused /v1/rerank after {took.TotalMilliseconds:0} ms");
        using (var refused = await app.RerankAsync(key, Rerank))
            await refused.ExpectInferenceErrorAsync(HttpStatusCode.Forbidden, "authorization_error", SuspendedMessage);

        await ResumeAsync(id);
        took = await WaitForStatusAsync(() => app.RerankAsync(key, Rerank), HttpStatusCode.OK, "the resume to reach the key cache");
        output.WriteLine($"resume accepted /v1/rerank after {took.TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task ChatCompletions_OfASuspendedAddon_Is403InTheInferenceShapeAndResumeRestoresIt()
    {
        var (id, key) = await app.KeyAsync("qwen3-235b");
        using (var ok = await app.ChatAsync(key, Chat)) await ok.ExpectAsync(HttpStatusCode.OK);

        await SuspendAsync(id);
        // Calls inside the cache TTL still pass; count the model's calls once the refusal has arrived.
        await WaitForStatusAsync(() => app.ChatAsync(key, Chat), HttpStatusCode.Forbidden, "the suspension to reach the key cache");
        var upstreamCalls = app.Upstream.Received.Count;
        var streaming = new { model = "qwen3-235b", max_tokens = 20, stream = true, messages = new[] { new { role = "user", content = "hi" } } };
        using (var refused = await app.ChatAsync(key, streaming))
            await refused.ExpectInferenceErrorAsync(HttpStatusCode.Forbidden, "authorization_error", SuspendedMessage);
        Assert.Equal(upstreamCalls, app.Upstream.Received.Count); // nothing reached the model

        await ResumeAsync(id);
        await WaitForStatusAsync(() => app.ChatAsync(key, Chat), HttpStatusCode.OK, "the resume to reach the key cache");
    }

    [Fact]
    public async Task SuspendedKey_IsRefusedBeforeTheSizeGateTheBodyReadAndTheRateLimiter()
    {
        var (id, key) = await app.KeyAsync("cohere-rerank-3-5");
        await SuspendAsync(id);
        await WaitForStatusAsync(() => app.RerankAsync(key, Rerank), HttpStatusCode.Forbidden, "the suspension to reach the key cache");

        (int Events, long Requests) counted;
        async Task<(int, long)> CountAsync()
        {
            await using var db = app.Db();
            return (await db.InferenceRateEvents.CountAsync(e => e.ResourceId == id),
                await db.InferenceUsageDays.Where(u => u.ResourceId == id).SumAsync(u => u.Requests));
        }
        counted = await CountAsync();

        // Over the 2 MiB limit by its declared length: a 413 for anyone else, a 403 for a suspended key.
        // Expect: 100-continue, so the client sends the body only if the server starts reading it (it must not): without it
        // the client would still be uploading when the refusal closes the connection.
        var huge = InferenceFixture.Call(key, "/v1/rerank", null);
        huge.Headers.ExpectContinue = true;
        huge.Content = new ByteArrayContent(new byte[3 * 1024 * 1024]);
        huge.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var waiting = new HttpClient(new SocketsHttpHandler { Expect100ContinueTimeout = Waits.DefaultTimeout }) { BaseAddress = app.BaseAddress };
        using (var tooLarge = await waiting.SendAsync(huge))
            await tooLarge.ExpectInferenceErrorAsync(HttpStatusCode.Forbidden, "authorization_error", SuspendedMessage);
        // Not JSON at all: the body is never read.
        using (var garbage = await app.Client.SendAsync(InferenceFixture.Call(key, "/v1/rerank", "{not json")))
            await garbage.ExpectInferenceErrorAsync(HttpStatusCode.Forbidden, "authorization_error", SuspendedMessage);

        Assert.Equal(counted, await CountAsync()); // no rate-limit window entry, no usage counted
    }
}
