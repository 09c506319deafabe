using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using AddonProvider.Simulator;
using AddonProvider.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AddonProvider.Harness;

/// <summary>
/// Issue 17: web and worker each in a 512 MB memory cgroup (a standard-1X dyno), then at once, from 16 distinct
/// resources each: 16 maximum-size reranks (1,000 documents, ~15 MB), 16 chat completions with 2 MB bodies (answered
/// by a trivial OpenAI-compatible fake upstream started here), and a 16-connection provisioning load. Reports each
/// process's peak memory, how long memory takes to come back, and the status counts.
/// Variables starting with HARNESS_HOST_ are passed to the hosts without the prefix (GC experiments:
/// HARNESS_HOST_DOTNET_gcServer=0, HARNESS_HOST_DOTNET_GCConserveMemory=5, ...).
/// </summary>
public static class MemoryBurst
{
    public const long CgroupLimit = 512L * 1024 * 1024;

    public sealed record Result(List<(string Op, int Status, bool RetryAfter)> Answers, int Provisions, string ProvisionStatuses);

    /// <summary>Creates a memory cgroup per host under this process's own, or says clearly why it cannot.</summary>
    public static Dictionary<string, string> CreateCgroups(string runId)
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException("memory-burst needs root to create memory cgroups (run it as root, e.g. in the dev container).");
        string parent, limitFile;
        var lines = File.ReadAllLines("/proc/self/cgroup");
        if (lines.Select(l => l.Split(':', 3)).FirstOrDefault(p => p.Length == 3 && p[1].Split(',').Contains("memory")) is { } v1
            && Directory.Exists("/sys/fs/cgroup/memory"))
            (parent, limitFile) = ("/sys/fs/cgroup/memory" + v1[2], "memory.limit_in_bytes");
        else if (File.Exists("/sys/fs/cgroup/cgroup.controllers") && File.ReadAllText("/sys/fs/cgroup/cgroup.controllers").Contains("memory")
                 && lines.FirstOrDefault(l => l.StartsWith("0::")) is { } v2)
            (parent, limitFile) = ("/sys/fs/cgroup" + v2[3..], "memory.max");
        else
            throw new InvalidOperationException("memory-burst needs a cgroup memory controller (cgroup v1 /sys/fs/cgroup/memory or cgroup v2 with \"memory\" in cgroup.controllers); this machine has neither.");

        var made = new Dictionary<string, string>();
        foreach (var role in new[] { "web", "worker" })
        {
            var dir = Path.Combine(parent, $"addonprovider-harness-{runId}-{role}");
            try
            {
                Directory.CreateDirectory(dir);
                File.WriteAllText(Path.Combine(dir, limitFile), CgroupLimit.ToString());
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException($"could not create the memory cgroup {dir} with a 512 MB limit ({e.Message}).");
            }
            made[role] = dir;
        }
        return made;
    }

    public static void RemoveCgroups(IEnumerable<string> dirs)
    {
        foreach (var dir in dirs)
            try { Directory.Delete(dir); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>OOM kills the cgroup saw (v1 memory.oom_control, v2 memory.events).</summary>
    public static long OomKills(string cgroup)
    {
        foreach (var file in new[] { "memory.oom_control", "memory.events" })
        {
            var path = Path.Combine(cgroup, file);
            if (!File.Exists(path)) continue;
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("oom_kill "));
            if (line is not null) return long.Parse(line.Split(' ')[1]);
        }
        return 0;
    }

    /// <summary>Highest usage the cgroup saw (v1 memory.max_usage_in_bytes, v2 memory.peak), including page cache, in MB.</summary>
    public static double? CgroupPeakMb(string cgroup)
    {
        foreach (var file in new[] { "memory.max_usage_in_bytes", "memory.peak" })
            if (File.Exists(Path.Combine(cgroup, file))) return long.Parse(File.ReadAllText(Path.Combine(cgroup, file)).Trim()) / 1048576.0;
        return null;
    }

    /// <summary>Peak resident memory of a process (VmHWM), in MB.</summary>
    public static double? PeakRssMb(Process p)
    {
        try
        {
            var line = File.ReadLines($"/proc/{p.Id}/status").FirstOrDefault(l => l.StartsWith("VmHWM:"));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
        }
        catch (IOException) { return null; }
    }

    /// <summary>The hosts' extra environment from HARNESS_HOST_*.</summary>
    public static IEnumerable<(string Name, string Value)> HostVariables() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value ?? ""))
            .Where(e => e.Item1.StartsWith("HARNESS_HOST_", StringComparison.Ordinal))
            .Select(e => (e.Item1["HARNESS_HOST_".Length..], e.Item2));

    /// <summary>A trivial OpenAI-compatible upstream: reads the whole body, answers one short completion.</summary>
    public static async Task<WebApplication> StartFakeUpstreamAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 64 * 1024 * 1024);
        var app = builder.Build();
        app.MapPost("/v1/chat/completions", async (HttpContext http) =>
        {
            await http.Request.Body.CopyToAsync(Stream.Null);
            http.Response.ContentType = "application/json";
            await http.Response.WriteAsync("""{"id":"chatcmpl-fake","object":"chat.completion","created":1,"model":"fake","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":12,"completion_tokens":1,"total_tokens":13}}""");
        });
        await app.StartAsync();
        return app;
    }

    /// <summary>Provisions <paramref name="count"/> inference resources on <paramref name="plan"/>; their keys.</summary>
    public static async Task<List<string>> KeysAsync(Stack stack, string plan, int count)
    {
        using var http = new HttpClient { BaseAddress = stack.ProviderUrl, Timeout = TimeSpan.FromSeconds(60) };
        var keys = new ConcurrentBag<string>();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (_, _) =>
        {
            var uuid = Guid.NewGuid();
            stack.Simulator.State.Addons.GetOrAdd(uuid, id => new SimulatedAddon
            {
                Id = id, Product = "inference", AppId = HerokuSimulator.DeterministicGuid("app", id.ToString()),
                AppName = $"sim-app-{id.ToString()[..8]}", OwnerEmail = $"owner-{id.ToString()[..8]}@example.com",
            });
            using var response = await new ProviderClient(http).ProvisionAsync("inference",
                ProviderClient.ProvisionBody(uuid, "inference", plan, "amazon-web-services::us-east-1", grant: false));
            var text = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"provisioning an inference {plan} answered {(int)response.StatusCode}: {text}");
            keys.Add(JsonDocument.Parse(text).RootElement.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!);
        });
        return [.. keys];
    }

    /// <summary>~15 MB: 1,000 documents of ~15,000 characters, the query first (as the SDKs send it).</summary>
    public static byte[] MaxRerankBody()
    {
        var words = new[] { "dyno", "scale", "memory", "pool", "router", "latency", "postgres", "connection", "worker", "queue", "cache", "deploy" };
        var documents = new string[1000];
        var sb = new StringBuilder(15_100);
        for (var d = 0; d < documents.Length; d++)
        {
            sb.Clear();
            for (var w = 0; sb.Length < 15_000; w++) sb.Append(words[(d * 7 + w * 3) % words.Length]).Append(w % 11 == 0 ? ". " : " ");
            documents[d] = sb.ToString();
        }
        return JsonSerializer.SerializeToUtf8Bytes(new { model = "cohere-rerank-3-5", query = "scale the dyno memory pool", documents, top_n = 10 });
    }

    /// <summary>A 2 MB chat body: one long user message.</summary>
    public static byte[] ChatBody() => JsonSerializer.SerializeToUtf8Bytes(new
    {
        model = "qwen3-235b",
        messages = new object[]
        {
            new { role = "system", content = "Summarize." },
            new { role = "user", content = string.Concat(Enumerable.Repeat("The dyno ran out of memory while parsing. ", 2 * 1024 * 1024 / 42)) },
        },
        max_tokens = 64,
    });

    /// <summary>Sends the burst; every answer's status and whether a 503 said when to retry.</summary>
    public static async Task<List<(string Op, int Status, bool RetryAfter)>> BurstAsync(Stack stack, List<string> rerankKeys, List<string> chatKeys)
    {
        var rerank = MaxRerankBody();
        var chat = ChatBody();
        if (rerank.Length >= 16 * 1024 * 1024) throw new InvalidOperationException($"the rerank body ({rerank.Length} bytes) is over the 16 MiB limit");
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = stack.ProviderUrl, Timeout = TimeSpan.FromSeconds(60) };
        var answers = new ConcurrentBag<(string, int, bool)>();
        async Task Send(string op, string path, string key, byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            try
            {
                var t0 = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                answers.Add((op, (int)response.StatusCode, response.Headers.RetryAfter is not null));
                if (!response.IsSuccessStatusCode)
                    Console.WriteLine($"- {op} answered {(int)response.StatusCode} after {Stopwatch.GetElapsedTime(t0).TotalSeconds:0.0} s, Retry-After {response.Headers.RetryAfter?.Delta?.TotalSeconds}: {text[..Math.Min(300, text.Length)]}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                answers.Add((op, 0, false));
            }
        }
        await Task.WhenAll(rerankKeys.Select(k => Send("rerank", "v1/rerank", k, rerank))
            .Concat(chatKeys.Select(k => Send("chat", "v1/chat/completions", k, chat))));
        return [.. answers];
    }

    /// <summary>The scenario: hosts in their cgroups, warm-up, a quiet baseline, the burst, then memory coming back.</summary>
    public static async Task RunAsync(Stack stack, Observed observed, Action<string> line, List<(string, bool, string)> checks,
        List<Guid> ids, List<(string Kind, string Value)> secrets)
    {
        foreach (var (role, dir) in CreateCgroups(Path.GetFileName(stack.RunDir))) stack.Cgroups[role] = dir;
        var upstreamPort = PostgresCluster.FreePort();
        await using var upstream = await StartFakeUpstreamAsync(upstreamPort);
        stack.Env["INFERENCE_UPSTREAM_QWEN3_235B_URL"] = $"http://127.0.0.1:{upstreamPort}";
        foreach (var (name, value) in HostVariables()) stack.Env[name] = value;
        await stack.StartWebAsync();
        stack.LaunchWorker();
        await stack.WaitForWorkerStartedAsync(TimeSpan.FromSeconds(90));
        line($"- web and worker each in a 512 MB memory cgroup: {string.Join(", ", stack.Cgroups.Select(c => $"{c.Key} {c.Value}"))}");
        line($"- host variables: {(HostVariables().Any() ? string.Join(" ", HostVariables().Select(v => $"{v.Name}={v.Value}")) : "(none: the published runtimeconfig's GC settings)")}");

        var rerankKeys = await KeysAsync(stack, "cohere-rerank-3-5", 16);
        var chatKeys = await KeysAsync(stack, "qwen3-235b", 16);
        var warmKeys = await KeysAsync(stack, "cohere-rerank-3-5", 2);
        var warmChatKeys = await KeysAsync(stack, "qwen3-235b", 2);
        secrets.AddRange(rerankKeys.Concat(chatKeys).Concat(warmKeys).Concat(warmChatKeys).Select(k => ("config var INFERENCE_KEY", k)));

        var samples = new ConcurrentQueue<(double At, double Web, double Worker)>();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                samples.Enqueue((observed.Now, Stack.RssMb(stack.Web!) ?? double.NaN, Stack.RssMb(stack.Worker!) ?? double.NaN));
                try { await Task.Delay(250, sampling.Token); } catch (OperationCanceledException) { }
            }
        });

        // Warm-up (JIT, pools), sequential and small next to the burst: a seed-size rerank and one max-size rerank.
        using (var http = new HttpClient { BaseAddress = stack.ProviderUrl })
        {
            var seed = JsonSerializer.SerializeToUtf8Bytes(new { model = "cohere-rerank-3-5", query = "pool", documents = new[] { "connection pool", "logs" } });
            foreach (var body in new[] { seed, seed, MaxRerankBody() })
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "v1/rerank") { Content = new ByteArrayContent(body) };
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", warmKeys[0]);
                using var response = await http.SendAsync(request);
                if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"warm-up rerank answered {(int)response.StatusCode}");
            }
        }
        // Then every path the burst takes, at a small scale, so the quiet level is a dyno that has served traffic (code
        // compiled, connection pools open) rather than one fresh from start: 2 max-size reranks and 2 chats of 2 MB on keys
        // of their own, and 40 provisions (web and worker) counted apart from the burst's.
        var warmAnswers = await BurstAsync(stack, warmKeys, warmChatKeys);
        if (warmAnswers.Any(a => a.Status != 200)) throw new InvalidOperationException($"warm-up burst answered {string.Join(", ", warmAnswers.Select(a => a.Status))}");
        await ProvisionStorm.RunAsync(stack, new Observed(), 40, 4, grant: false, faultAfter: 0, fault: null);
        line("- warm-up: 3 reranks (2 max-size), 2 chats of 2 MB, 40 provisions at 4 connections; then 15 s before the quiet level");
        await Task.Delay(TimeSpan.FromSeconds(15)); // let the warm-up's garbage go before measuring the quiet level
        var quietFrom = observed.Now;
        await Task.Delay(TimeSpan.FromSeconds(5));
        var quiet = samples.Where(x => x.At >= quietFrom).ToList();
        var (baseWeb, baseWorker) = (quiet.Average(x => x.Web), quiet.Average(x => x.Worker));
        line($"- pre-burst RSS (mean of {quiet.Count} samples over 5 s): web {baseWeb:0.0} MB, worker {baseWorker:0.0} MB");

        var burstAt = observed.Now;
        var provisioning = ProvisionStorm.RunAsync(stack, observed, 400, 16, grant: false, faultAfter: 0, fault: null);
        var answers = await BurstAsync(stack, rerankKeys, chatKeys);
        var outcomes = await provisioning;
        var burstEnd = observed.Now;
        line($"- burst: 16 reranks of {MaxRerankBody().Length:N0} bytes, 16 chats of {ChatBody().Length:N0} bytes, 400 provisions at 16 connections; {burstEnd - burstAt:0.0} s");

        double? backAfter = null;
        while (observed.Now - burstEnd < 60)
        {
            var last = samples.Where(x => x.At >= observed.Now - 1.1).ToList();
            if (last.Count > 0 && last.All(x => x.Web <= baseWeb * 1.2 && x.Worker <= baseWorker * 1.2)) { backAfter = observed.Now - burstEnd; break; }
            await Task.Delay(250);
        }
        await sampling.CancelAsync();
        await sampler;

        var all = samples.ToList();
        var during = all.Where(x => x.At >= burstAt).ToList();
        double peakWeb = during.Max(x => x.Web), peakWorker = during.Max(x => x.Worker);
        double hwmWeb = PeakRssMb(stack.Web!) ?? double.NaN, hwmWorker = PeakRssMb(stack.Worker!) ?? double.NaN;
        var endWeb = all[^1].Web;
        var endWorker = all[^1].Worker;
        line($"- RSS sampled every 250 ms from the burst on: web peak {peakWeb:0.0} MB, worker peak {peakWorker:0.0} MB; " +
             $"VmHWM (whole life): web {hwmWeb:0.0} MB, worker {hwmWorker:0.0} MB; cgroup peak incl. page cache: web {CgroupPeakMb(stack.Cgroups["web"]):0.0} MB, worker {CgroupPeakMb(stack.Cgroups["worker"]):0.0} MB");
        line($"- back within 20 % of the pre-burst level: {(backAfter is { } b ? $"{b:0.0} s after the burst ended" : "not within 60 s")}; at the end web {endWeb:0.0} MB, worker {endWorker:0.0} MB");
        var trace = all.Where(x => x.At >= burstAt - 1).Where((_, i) => i % 4 == 0).Select(x => $"{x.At - burstAt:0}s {x.Web:0}/{x.Worker:0}");
        line($"- RSS trace (s after burst start: web/worker MB): {string.Join(", ", trace)}");

        string Count(string op) => string.Join(", ", answers.Where(a => a.Op == op).GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"));
        line($"- rerank statuses: {Count("rerank")}; chat statuses: {Count("chat")}; provisioning: {Observed.Summarize(observed.Attempts.Where(a => a.Op == "provision"))}");

        var refusedOk = answers.Where(a => a.Status != 200).All(a => a.Status == 503 && a.RetryAfter);
        checks.Add(("never a 500 (burst and provisioning)", answers.All(a => a.Status != 500) && observed.Attempts.All(a => a.Outcome != "500"),
            $"burst: {string.Join(", ", answers.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}; provisioning: {Observed.Summarize(observed.Attempts)}"));
        checks.Add(("at least 14 of 16 reranks 200", answers.Count(a => a.Op == "rerank" && a.Status == 200) >= 14, Count("rerank")));
        checks.Add(("at least 14 of 16 chats 200", answers.Count(a => a.Op == "chat" && a.Status == 200) >= 14, Count("chat")));
        checks.Add(("the rest 503 with Retry-After", refusedOk, string.Join(", ", answers.Where(a => a.Status != 200).Select(a => $"{a.Op} {a.Status} retry-after={a.RetryAfter}")) is { Length: > 0 } r ? r : "(none refused)"));
        var oom = stack.Cgroups.ToDictionary(c => c.Key, c => OomKills(c.Value));
        checks.Add(("no process killed or restarted", !stack.Web!.HasExited && !stack.Worker!.HasExited && oom.Values.All(v => v == 0),
            $"web {(stack.Web.HasExited ? "exited" : "running")}, worker {(stack.Worker!.HasExited ? "exited" : "running")}, oom_kill web {oom["web"]} worker {oom["worker"]}"));
        checks.Add(("peak under 450 MB each", hwmWeb < 450 && hwmWorker < 450, $"VmHWM web {hwmWeb:0.0} MB, worker {hwmWorker:0.0} MB"));
        checks.Add(("back within 20 % of pre-burst within 60 s", backAfter is not null,
            $"pre-burst web {baseWeb:0.0} / worker {baseWorker:0.0} MB; {(backAfter is { } t ? $"back after {t:0.0} s" : $"still web {endWeb:0.0} / worker {endWorker:0.0} MB after 60 s")}"));
        checks.Add(("every provision ended 2xx", outcomes.All(x => x.Status is >= 200 and < 300), $"{outcomes.Count(x => x.Status is >= 200 and < 300)}/{outcomes.Count}"));
        ids.AddRange(outcomes.Where(x => x.Status is >= 200 and < 300).Select(x => x.Id));
        secrets.AddRange(HarnessCommand.ProvisionSecrets(outcomes.Select(x => x.Body)));
    }
}
