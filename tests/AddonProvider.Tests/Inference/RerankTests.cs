using System.Net;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Inference;

public sealed class RerankTests(InferenceFixture app) : IClassFixture<InferenceFixture>
{
    private static readonly string[] SeedDocuments =
    [
        "Connection pooling reduces overhead by reusing existing database connections instead of creating new ones for each request.",
        "You can monitor application performance using built-in metrics and logging tools.",
        "Set max pool size based on your dyno count and expected concurrent queries to prevent connection exhaustion.",
        "Regular database backups are essential for disaster recovery planning.",
    ];

    private static object SeedRequest(string model = "cohere-rerank-3-5", int? topN = 2) => new
    {
        model,
        query = "How do I optimize database connection pooling?",
        documents = SeedDocuments,
        top_n = topN,
    };

    [Fact]
    public async Task Rerank_SeedExample_AnswersTheSeedShapeBestFirst()
    {
        var (id, key) = await app.KeyAsync("cohere-rerank-3-5");
        using var response = await app.RerankAsync(key, SeedRequest());
        var body = await response.ExpectAsync(HttpStatusCode.OK);

        Assert.True(Guid.TryParse(body.GetProperty("id").GetString(), out _));
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        // The seed's answer: the pooling explanation first, then the pool-size advice.
        Assert.Equal([0, 2], results.Select(r => r.GetProperty("index").GetInt32()));
        var scores = results.Select(r => r.GetProperty("relevance_score").GetDouble()).ToList();
        Assert.True(scores[0] >= scores[1] && scores[1] > 0 && scores[0] <= 1, string.Join(",", scores));
        Assert.Equal(["index", "relevance_score"], results[0].EnumerateObject().Select(p => p.Name));

        var meta = body.GetProperty("meta");
        Assert.Equal("2", meta.GetProperty("api_version").GetProperty("version").GetString());
        Assert.False(meta.GetProperty("api_version").GetProperty("is_experimental").GetBoolean());
        Assert.Equal(1, meta.GetProperty("billed_units").GetProperty("search_units").GetInt32());

        Assert.Equal("250", response.Header("x-ratelimit-limit-requests"));
        Assert.Equal("249", response.Header("x-ratelimit-remaining-requests"));
        Assert.Matches("^[0-9]+s$", response.Header("x-ratelimit-reset-requests"));
        Assert.Equal("", response.Header("x-ratelimit-limit-tokens")); // rerank models have no token budget

        await using var db = app.Db();
        var usage = await db.InferenceUsageDays.SingleAsync(u => u.ResourceId == id);
        Assert.Equal(("cohere-rerank-3-5", 1L, 1L, 0L), (usage.ModelId, usage.Requests, usage.SearchUnits, usage.PromptTokens));
    }

    [Fact]
    public async Task Rerank_WithoutTopN_ReturnsEveryDocumentOrderedByScore()
    {
        var (_, key) = await app.KeyAsync("amazon-rerank-1-0");
        var body = await (await app.RerankAsync(key, SeedRequest("amazon-rerank-1-0", topN: null))).ExpectAsync(HttpStatusCode.OK);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(4, results.Count);
        Assert.Equal([0, 1, 2, 3], results.Select(r => r.GetProperty("index").GetInt32()).Order());
        var scores = results.Select(r => r.GetProperty("relevance_score").GetDouble()).ToList();
        Assert.Equal(scores.OrderByDescending(s => s), scores);
        Assert.Equal(0, scores[^1]); // "monitor application performance" shares no term with the query
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 3)]
    [InlineData(10, 4)] // more than there are documents: all of them
    public async Task Rerank_TopN_LimitsTheResults(int topN, int expected)
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        var body = await (await app.RerankAsync(key, SeedRequest(topN: topN))).ExpectAsync(HttpStatusCode.OK);
        var results = body.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(expected, results.Count);
        Assert.Equal(0, results[0].GetProperty("index").GetInt32());
    }

    public static TheoryData<string, string> SeedValidationErrors => new()
    {
        { """{"query":"q","documents":["a"]}""", "model is required" },
        { """{"model":"","query":"q","documents":["a"]}""", "model is required" },
        { """{"model":"cohere-rerank-3-5","documents":["a"]}""", "query is required" },
        { """{"model":"cohere-rerank-3-5","query":"","documents":["a"]}""", "query is required" },
        { """{"model":"cohere-rerank-3-5","query":"q"}""", "documents array is required and cannot be empty" },
        { """{"model":"cohere-rerank-3-5","query":"q","documents":null}""", "documents array is required and cannot be empty" },
        { """{"model":"cohere-rerank-3-5","query":"q","documents":[]}""", "documents array is required and cannot be empty" },
        { """{"model":"cohere-rerank-3-5","query":"q","documents":"a"}""", "documents must be an array of strings" },
        { """{"model":"cohere-rerank-3-5","query":"q","documents":["a",3]}""", "documents must be an array of strings (documents[1] is not a string)" },
        { """{"model":"cohere-rerank-3-5","query":"q","documents":["a"],"top_n":0}""", "top_n must be a positive integer" },
        { """{"model":"cohere-rerank-3-5","query":"q","documents":["a"],"top_n":"2"}""", "top_n must be a positive integer" },
        { """{"model":"cohere-rerank-3-5","query":7,"documents":["a"]}""", "query must be a string" },
        { """[1,2]""", "The request body must be a JSON object." },
    };

    [Theory]
    [MemberData(nameof(SeedValidationErrors))]
    public async Task Rerank_InvalidBody_Is400WithTheSeedMessage(string json, string message)
    {
        var (id, key) = await app.KeyAsync("cohere-rerank-3-5");
        using var response = await app.RerankAsync(key, json);
        await response.ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error", message);
        await using var db = app.Db();
        Assert.False(await db.InferenceUsageDays.AnyAsync(u => u.ResourceId == id));
        Assert.False(await db.InferenceRateEvents.AnyAsync(e => e.ResourceId == id)); // a refused body takes no place in the window
    }

    [Fact]
    public async Task Rerank_1001Documents_Is400WithTheSeedMessageAndCount()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        var request = new { model = "cohere-rerank-3-5", query = "q", documents = Enumerable.Repeat("doc", 1001).ToArray() };
        using var response = await app.RerankAsync(key, request);
        await response.ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error",
            "documents array exceeds maximum of 1000 items (received 1001). Please reduce the number of documents per request");
        Assert.Equal("250", response.Header("x-ratelimit-remaining-requests")); // the window is reported, nothing taken
    }

    [Fact]
    public async Task Rerank_1000DocumentsOfFiftyWords_FitsTheBodyLimitAndBillsTenSearchUnits()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        var filler = string.Join(' ', Enumerable.Repeat("lorem ipsum dolor sit amet", 10));
        var documents = Enumerable.Range(0, 1000).Select(i => i == 637 ? "how to scale web dynos horizontally " + filler : filler + $" item{i}").ToArray();
        var body = await (await app.RerankAsync(key, new { model = "cohere-rerank-3-5", query = "scale dynos", documents, top_n = 3 })).ExpectAsync(HttpStatusCode.OK);
        Assert.True(JsonSerializer.Serialize(documents).Length > 64 * 1024); // over the Partner API's limit
        Assert.Equal(637, body.GetProperty("results")[0].GetProperty("index").GetInt32());
        Assert.Equal(10, body.GetProperty("meta").GetProperty("billed_units").GetProperty("search_units").GetInt32());
    }

    [Fact]
    public async Task Rerank_BodyOverTheLimit_Is413InTheErrorShape()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        var big = new string('x', 3 * 1024 * 1024);
        using var response = await app.RerankAsync(key, new { model = "cohere-rerank-3-5", query = "q", documents = new[] { big } });
        await response.ExpectInferenceErrorAsync(HttpStatusCode.RequestEntityTooLarge, "invalid_request_error", "The request body is too large.");
    }

    [Fact]
    public async Task Rerank_MalformedJson_Is400InTheErrorShape()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        using var response = await app.RerankAsync(key, """{"model": "cohere-rerank-3-5", "query": """);
        var message = await response.ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error");
        Assert.StartsWith("The request body is not valid JSON", message);
    }

    [Theory]
    [InlineData(null, "Missing Authorization header")]
    [InlineData("inf-notARealKeyAtAll0000000000000000000000000000000", "Invalid API key")]
    [InlineData("sk-something-else", "Invalid API key")]
    public async Task Rerank_MissingOrUnknownKey_Is401InTheErrorShape(string? key, string fragment)
    {
        using var response = await app.RerankAsync(key, SeedRequest());
        var message = await response.ExpectInferenceErrorAsync(HttpStatusCode.Unauthorized, "authentication_error");
        Assert.StartsWith(fragment, message);
    }

    [Fact]
    public async Task Rerank_BasicAuthHeader_Is401()
    {
        var request = InferenceFixture.Call(null, "/v1/rerank", SeedRequest());
        request.Headers.Authorization = new("Basic", "aW5mZXJlbmNlOng=");
        await (await app.Client.SendAsync(request)).ExpectInferenceErrorAsync(HttpStatusCode.Unauthorized, "authentication_error",
            "The Authorization header must be `Bearer <your INFERENCE_KEY>`.");
    }

    [Fact]
    public async Task Rerank_UnknownModel_Is404()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        using var response = await app.RerankAsync(key, SeedRequest(model: "cohere-rerank-9"));
        await response.ExpectInferenceErrorAsync(HttpStatusCode.NotFound, "not_found_error", "model not found: there is no model 'cohere-rerank-9'.");
    }

    [Fact]
    public async Task Rerank_ModelNotAttachedToTheKey_Is403()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        using var response = await app.RerankAsync(key, SeedRequest(model: "amazon-rerank-1-0"));
        await response.ExpectInferenceErrorAsync(HttpStatusCode.Forbidden, "authorization_error", "This key has no access to the model amazon-rerank-1-0.");
    }

    [Fact]
    public async Task Rerank_StandardPlanKey_MayCallEveryRerankModelOfItsRegion()
    {
        var (_, key) = await app.KeyAsync("standard", region: "eu", options: new { model = "cohere-rerank-3-5" });
        await (await app.RerankAsync(key, SeedRequest("amazon-rerank-1-0"))).ExpectAsync(HttpStatusCode.OK);
        await (await app.RerankAsync(key, SeedRequest("cohere-rerank-3-5"))).ExpectAsync(HttpStatusCode.OK);
        // qwen3-235b runs in us only: not this eu key's
        await (await app.ChatAsync(key, new { model = "qwen3-235b", messages = new[] { new { role = "user", content = "hi" } } }))
            .ExpectInferenceErrorAsync(HttpStatusCode.Forbidden, "authorization_error");
    }

    [Fact]
    public async Task Rerank_WithAChatModel_Is400SayingWhichEndpoint()
    {
        var (_, key) = await app.KeyAsync("qwen3-235b");
        await (await app.RerankAsync(key, SeedRequest("qwen3-235b"))).ExpectInferenceErrorAsync(HttpStatusCode.BadRequest, "invalid_request_error",
            "qwen3-235b is a chat model; call /v1/chat/completions with it.");
    }

    [Fact]
    public async Task UnknownV1Route_Is404InTheErrorShape_NotProblemJson()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        using var response = await app.Client.SendAsync(InferenceFixture.Call(key, "/v1/embeddings", new { }));
        await response.ExpectInferenceErrorAsync(HttpStatusCode.NotFound, "not_found_error", "There is no such inference endpoint.");
    }

    [Fact]
    public async Task Rerank_GetInsteadOfPost_Is405InTheErrorShape()
    {
        var (_, key) = await app.KeyAsync("cohere-rerank-3-5");
        var request = new HttpRequestMessage(HttpMethod.Get, "/v1/rerank");
        request.Headers.Authorization = new("Bearer", key);
        await (await app.Client.SendAsync(request)).ExpectInferenceErrorAsync(HttpStatusCode.MethodNotAllowed, "invalid_request_error");
    }

    [Fact]
    public async Task Usage_LastDays_SumsRequestsAndSearchUnitsPerModelAndDay()
    {
        var (id, key) = await app.KeyAsync("standard", options: new { model = "cohere-rerank-3-5" });
        var manyDocs = new { model = "amazon-rerank-1-0", query = "q", documents = Enumerable.Repeat("q doc", 150).ToArray() };
        await (await app.RerankAsync(key, SeedRequest())).ExpectAsync(HttpStatusCode.OK);
        await (await app.RerankAsync(key, SeedRequest())).ExpectAsync(HttpStatusCode.OK);
        await (await app.RerankAsync(key, manyDocs)).ExpectAsync(HttpStatusCode.OK);
        await using (var db = app.Db())
        {
            db.InferenceUsageDays.Add(new Data.Entities.InferenceUsageDay { ResourceId = id, ModelId = "qwen3-235b", Day = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-40), Requests = 9 });
            await db.SaveChangesAsync();
        }

        await using var read = app.Db();
        var days = await Web.Inference.InferenceUsage.LastDaysAsync(read, id, 30);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        Assert.Equal(
            [(today, "amazon-rerank-1-0", 1L, 2L), (today, "cohere-rerank-3-5", 2L, 2L)],
            days.Select(d => (d.Day, d.ModelId, d.Requests, d.SearchUnits)));
    }
}
