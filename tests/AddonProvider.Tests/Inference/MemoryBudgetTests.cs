using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AddonProvider.Tests.Infrastructure.Waits;

namespace AddonProvider.Tests.Inference;

/// <summary>A process whose request memory budget is 1 MB and whose requests wait 300 ms for room.</summary>
public sealed class TinyMemoryBudgetFixture : InferenceFixture
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["REQUEST_MEMORY_BUDGET_MB"] = "1",
        ["REQUEST_MEMORY_WAIT"] = "300ms",
    };

    public RequestMemoryBudget Budget => App.Services.GetRequiredService<RequestMemoryBudget>();
}

public sealed class MemoryBudgetTests(TinyMemoryBudgetFixture app) : IClassFixture<TinyMemoryBudgetFixture>
{
    /// <summary>A body sent in two parts: the second only once <see cref="Finish"/> is called.</summary>
    private sealed class HeldContent(byte[] body, int firstPart) : HttpContent
    {
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public void Finish() => _finish.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(body.AsMemory(0, firstPart));
            await stream.FlushAsync();
            await _finish.Task;
            await stream.WriteAsync(body.AsMemory(firstPart));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = body.Length;
            return true;
        }
    }

    private static byte[] RerankBody(int documents, int wordsPerDocument) => JsonSerializer.SerializeToUtf8Bytes(new
    {
        model = "cohere-rerank-3-5",
        query = "scale dynos",
        documents = Enumerable.Range(0, documents).Select(i => string.Join(' ', Enumerable.Repeat($"word{i % 7} dynos lorem", wordsPerDocument))).ToArray(),
    });

    private static HttpRequestMessage Post(string? key, HttpContent content)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/rerank") { Content = content };
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        if (key is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    [Fact]
    public async Task Rerank_WhileTheBudgetIsHeldByAnotherBody_Waits_Then503WithRetryAfter_AndTheFirstStillSucceeds()
    {
        var (_, first) = await app.KeyAsync("cohere-rerank-3-5");
        var (secondId, second) = await app.KeyAsync("cohere-rerank-3-5");
        var body = RerankBody(200, 200); // ~640 KB: admitted for its length, two do not fit 1 MB
        var held = new HeldContent(body, body.Length / 2);
        var firstCall = app.Client.SendAsync(Post(first, held));
        await Eventually(() => app.Budget.InUse > 0, "the first request to be admitted and reading its body");

        using (var refused = await app.Client.SendAsync(Post(second, new ByteArrayContent(body))))
        {
            await refused.ExpectInferenceErrorAsync(HttpStatusCode.ServiceUnavailable, "server_error",
                "This server is busy with other large requests right now and did not read this one. Retry after the time in the Retry-After header.");
            Assert.Equal("1", refused.Header("Retry-After"));
        }
        await using (var db = app.Db())
            Assert.False(await db.InferenceRateEvents.AnyAsync(e => e.ResourceId == secondId)); // refused before taking a place in the window

        held.Finish();
        using var answered = await firstCall;
        await answered.ExpectAsync(HttpStatusCode.OK);
        await Eventually(() => app.Budget.InUse == 0, "the first request's share to be given back");
        using var again = await app.Client.SendAsync(Post(second, new ByteArrayContent(body)));
        await again.ExpectAsync(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Rerank_WithoutAKey_WhileTheBudgetIsHeld_Is401_NotTheBudgets503()
    {
        var (_, first) = await app.KeyAsync("cohere-rerank-3-5");
        var body = RerankBody(200, 200); // ~640 KB: admitted for its length, two do not fit 1 MB
        var held = new HeldContent(body, body.Length / 2);
        var firstCall = app.Client.SendAsync(Post(first, held));
        await Eventually(() => app.Budget.InUse > 0, "the first request to be admitted and reading its body");

        using (var anonymous = await app.Client.SendAsync(Post(null, new ByteArrayContent(body))))
            await anonymous.ExpectInferenceErrorAsync(HttpStatusCode.Unauthorized, "authentication_error");
        using (var unknown = await app.Client.SendAsync(Post("inf-notARealKeyAtAll0000000000000000000000000000000", new ByteArrayContent(body))))
            await unknown.ExpectInferenceErrorAsync(HttpStatusCode.Unauthorized, "authentication_error");

        held.Finish();
        (await firstCall).Dispose();
    }

    [Fact]
    public async Task Rerank_ConcurrentLargeBodiesOverTheBudget_AreAnswered200Or503WithRetryAfter_Never500()
    {
        var keys = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.KeyAsync("cohere-rerank-3-5")));
        var body = RerankBody(1000, 25); // ~1.5 MB each, 8 at once against 1 MB
        var responses = await Task.WhenAll(keys.Select(k => app.Client.SendAsync(Post(k.Key, new ByteArrayContent(body)))));
        var statuses = responses.Select(r => (int)r.StatusCode).ToList();
        Assert.All(statuses, s => Assert.True(s is 200 or 503, "statuses: " + string.Join(",", statuses)));
        foreach (var refused in responses.Where(r => r.StatusCode == HttpStatusCode.ServiceUnavailable))
        {
            Assert.Equal("1", refused.Header("Retry-After"));
            await refused.ExpectInferenceErrorAsync(HttpStatusCode.ServiceUnavailable, "server_error");
        }
        Assert.Contains(200, statuses);
        foreach (var r in responses) r.Dispose();
        await Eventually(() => app.Budget.InUse == 0, "every share to be given back");
    }

    [Fact]
    public async Task Chat_WhileTheBudgetIsHeld_Is503WithRetryAfterInTheInferenceShape()
    {
        var (_, first) = await app.KeyAsync("cohere-rerank-3-5");
        var (_, chatKey) = await app.KeyAsync("qwen3-235b");
        var body = RerankBody(200, 200); // ~640 KB: admitted for its length, two do not fit 1 MB
        var held = new HeldContent(body, body.Length / 2);
        var firstCall = app.Client.SendAsync(Post(first, held));
        await Eventually(() => app.Budget.InUse > 0, "the first request to be admitted and reading its body");

        using (var refused = await app.ChatAsync(chatKey, new { model = "qwen3-235b", messages = new[] { new { role = "user", content = new string('x', 150_000) } } }))
        {
            await refused.ExpectInferenceErrorAsync(HttpStatusCode.ServiceUnavailable, "server_error");
            Assert.Equal("1", refused.Header("Retry-After"));
        }
        held.Finish();
        (await firstCall).Dispose();
    }
}

/// <summary>What reading a large rerank body costs, measured on the reading thread (a memory stream completes every read at once).</summary>
public sealed class RerankBodyMemoryTests
{
    [Fact]
    public async Task ReadingAnEightMegabyteBody_AllocatesUnderAMegabyte_AndScoresLikeTheStringRanker()
    {
        var documents = Enumerable.Range(0, 1000)
            .Select(i => string.Join(' ', Enumerable.Repeat($"connection pool{i % 13} \"quoted\" caf\u00e9 tuning", 220))).ToArray();
        var json = JsonSerializer.SerializeToUtf8Bytes(new { model = "cohere-rerank-3-5", query = "connection pool3 café", documents });
        Assert.True(json.Length > 8_000_000, $"{json.Length} bytes");
        using var stream = new MemoryStream(json);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var task = Web.Inference.RerankBody.ReadAsync(stream, null, _ => false, _ => ValueTask.FromResult(true), () => throw new InvalidOperationException(), default);
        Assert.True(task.IsCompleted, "the read should complete synchronously over a memory stream");
        var (body, error) = await task;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Null(error);
        Assert.Equal(1000, body!.DocumentCount);
        Assert.Empty(body.Kept); // the query came first: nothing was kept
        Assert.True(allocated < 1_000_000, $"reading {json.Length:N0} bytes allocated {allocated:N0} bytes");
        Assert.Equal(Web.Inference.Bm25Ranker.Score("connection pool3 café", documents), body.Scores());
    }

    [Fact]
    public async Task DocumentsBeforeTheQuery_AreKeptOnceAndScoredInOrder()
    {
        var documents = new[] { "scale dynos horizontally", "backups \u00e9t\u00e9 \\ \"x\"", "dynos", new string('a', 70_000) + " dynos" };
        var json = $$"""{"documents": {{JsonSerializer.Serialize(documents)}}, "top_n": 2, "query": "dynos scale", "model": "m"}""";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(json));
        var (body, error) = await Web.Inference.RerankBody.ReadAsync(stream, null, _ => false, _ => ValueTask.FromResult(true), () => throw new InvalidOperationException(), default);
        Assert.Null(error);
        Assert.Equal(4, body!.Kept.Count);
        Assert.Equal(documents[1], Encoding.UTF8.GetString(body.Kept[1]));
        Assert.Equal((true, (int?)2, false), body.TopN);
        Assert.Equal(Web.Inference.Bm25Ranker.Score("dynos scale", documents), body.Scores());
    }

    [Fact]
    public async Task ABodyTheBudgetCannotGrowFor_IsRefusedWithTheBudgetsAnswer()
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new { documents = new[] { new string('x', 100_000) }, query = "q", model = "m" });
        using var stream = new MemoryStream(json);
        var (body, error) = await Web.Inference.RerankBody.ReadAsync(stream, null, _ => false, _ => ValueTask.FromResult(false),
            () => Web.Inference.InferenceError.Unavailable("busy", 1), default);
        Assert.Null(body);
        Assert.Equal(503, error!.StatusCode);
    }
}
