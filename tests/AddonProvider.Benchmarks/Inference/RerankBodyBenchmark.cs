using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using AddonProvider.Web.Inference;

namespace AddonProvider.Benchmarks.Inference;

/// <summary>
/// From request bytes to scores for 1,000 ~50-word documents, in process: the streamed reader (RerankBody, what
/// /v1/rerank runs since issue 17) against the earlier way (the whole body as a JsonNode, documents as strings,
/// then BM25), with the bytes each allocates on the measuring thread.
/// </summary>
public sealed class RerankBodyBenchmark : IBenchmark
{
    public string Name => "rerank-body-inprocess";
    public string Description => "body bytes → BM25 scores for 1,000 ~50-word documents: streamed reader vs JsonNode DOM";

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0]) : 300;
        var documents = BenchServer.Documents(1000, 50);
        var query = string.Join(' ', documents[17].Split(' ').Skip(3).Take(4).Concat(documents[18].Split(' ').Take(2)));
        var body = JsonSerializer.SerializeToUtf8Bytes(new { model = "cohere-rerank-3-5", query, documents, top_n = 1000 });
        Console.WriteLine($"# body bytes: {body.Length}");

        async Task<double[]> Streamed()
        {
            using var stream = new MemoryStream(body);
            var (read, _) = await RerankBody.ReadAsync(stream, null, _ => false, _ => ValueTask.FromResult(true), () => throw new InvalidOperationException(), default);
            return read!.Scores();
        }
        Task<double[]> Dom()
        {
            var node = (JsonObject)JsonNode.Parse(body)!;
            var array = node["documents"]!.AsArray();
            var docs = new string[array.Count];
            for (var i = 0; i < docs.Length; i++) docs[i] = array[i]!.GetValue<string>();
            return Task.FromResult(Bm25Ranker.Score(node["query"]!.GetValue<string>(), docs));
        }
        var (a, b) = (await Streamed(), await Dom());
        if (!a.AsSpan().SequenceEqual(b)) throw new InvalidOperationException("the two ways scored differently");

        foreach (var (label, run) in new (string, Func<Task<double[]>>)[] { ("streamed RerankBody", Streamed), ("JsonNode DOM (before)", Dom) })
        {
            for (var i = 0; i < 30; i++) await run();
            var ms = new List<double>(iterations);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < iterations; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await run();
                ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            var perCall = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / iterations;
            Console.WriteLine(Stats.Summary($"{label,-24}", ms) + $"  allocated/call={perCall / 1024.0:F0} KiB");
        }
        return 0;
    }
}
