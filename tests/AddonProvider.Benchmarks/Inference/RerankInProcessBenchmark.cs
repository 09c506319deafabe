using System.Diagnostics;
using AddonProvider.Web.Inference;

namespace AddonProvider.Benchmarks.Inference;

/// <summary>The embedded BM25 backend ranking 1,000 documents of ~50 words, in process (no HTTP, no database).</summary>
public sealed class RerankInProcessBenchmark : IBenchmark
{
    public string Name => "rerank-inprocess";
    public string Description => "BM25 rerank of 1,000 ~50-word documents in process; target p50 < 10 ms";

    public async Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0]) : 500;
        var documents = BenchServer.Documents(1000, 50);
        // 6-word queries: words of one document (so it has a right answer) mixed with words of others.
        var queries = Enumerable.Range(0, 50)
            .Select(i => string.Join(' ', documents[i * 17].Split(' ').Skip(3).Take(4).Concat(documents[i * 17 + 1].Split(' ').Take(2))))
            .ToArray();
        var backend = new RerankBackend(new InferenceSettings(TimeSpan.FromSeconds(1), 1, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), TimeSpan.FromMinutes(15), 4096, 1 << 24, new Dictionary<string, Upstream>()), null!, null!);

        Console.WriteLine($"# documents: {documents.Length}, words/document: {documents.Average(d => d.Split(' ').Length):F1}, bytes: {documents.Sum(d => d.Length)}");
        for (var i = 0; i < 50; i++) await backend.RankAsync("cohere-rerank-3-5", queries[i % queries.Length], documents, 1000, default);

        var ms = new List<double>(iterations);
        long checksum = 0;
        var cpuBefore = Environment.CpuUsage.TotalTime;
        var load = File.ReadAllText("/proc/loadavg").Split(' ')[0];
        for (var i = 0; i < iterations; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var (results, _) = await backend.RankAsync("cohere-rerank-3-5", queries[i % queries.Length], documents, 1000, default);
            ms.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            checksum += results![0].Index;
            if (results[0].RelevanceScore <= 0) throw new InvalidOperationException("the query matched nothing; the benchmark would measure the wrong thing");
        }
        var cpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalMilliseconds / iterations;
        Console.WriteLine(Stats.Summary("rerank 1000 docs (rank + sort)", ms));
        Console.WriteLine($"process CPU time per rerank (all threads, incl. GC): {cpu:F3} ms; machine load average at start {load}");
        var p50 = Stats.Percentile(ms, 50);
        Console.WriteLine($"target p50 < 10 ms: {(p50 < 10 ? "MET" : "MISSED")} ({p50:F3} ms); checksum {checksum}");
        return 0;
    }
}
