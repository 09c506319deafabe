using System.Buffers;
using System.Diagnostics;
using System.Text;
using AddonProvider.Simulator;

namespace AddonProvider.Harness;

public sealed record HarnessOptions(string Scenario, int Count, int Concurrency, int FaultAfter, TimeSpan Duration, bool Build, bool Keep, bool Grant,
    TimeSpan Outage = default);

/// <summary>
/// The reliability harness (issue 7): starts its own PostgreSQL, web, worker and simulated Heroku, injects one
/// fault, and checks in PostgreSQL and in the captured logs what the service promised. Prints a markdown report;
/// the exit code is 0 only when every check of the scenario held.
/// </summary>
public static class HarnessCommand
{
    public const string Usage = """
        usage: dotnet run -c Release --project tests/AddonProvider.Harness -- <scenario> [options]
          kill-web [--n 2000] [--c 16] [--after 700] [--grant]
                            SIGKILL the web process after --after answers of an --n provision load, restart it; Heroku-style retries
          restart-postgres [--n 2000] [--c 16] [--after 700] [--grant]
                            pg_ctl stop -m fast after --after answers, start 5 s later; statuses seen, no 500, no lost or doubled resources
          start-during-outage [--outage 10] [--c 16] [--n 2000] [--grant]
                            web and worker start while PostgreSQL is stopped for --outage s, with --c provisions arriving
                            (retried as Heroku does); both must survive and serve, then an --n provision load
          secrets [--minutes 1] [--c 16]   mixed load, then search the web and worker logs for every secret issued
          soak [--minutes 10] [--c 16]     mixed load; web RSS every 10 s, p99 per minute; then the secrets scan
          memory-burst      web and worker each in a 512 MB memory cgroup (root; cgroup v1 or v2); 16 max-size reranks,
                            16 chats of 2 MB (a fake upstream) and 400 provisions at 16 connections at once; peak memory,
                            time to come back, statuses (HARNESS_HOST_<VAR>=value passes VAR to the hosts, e.g. GC settings)
            --build publishes the web again (otherwise the last publish under artifacts/harness/web is reused); --keep keeps
            the PostgreSQL data folder
          load [--n 10000] [--c 16] [--grant] [--plans product:plan,...] [--warmup 500]
                            against a running provider (PROVIDER_URL, SIMULATOR_<PRODUCT>_* as for the simulator): the
                            simulator's load, then checks in DATABASE_URL that every 2xx has its committed row, exactly once
        """;

    public static async Task<int> RunAsync(HarnessOptions o, TextWriter output)
    {
        var report = new StringBuilder();
        void Line(string s = "") { report.AppendLine(s); output.WriteLine(s); }
        var commit = await GitAsync("rev-parse --short HEAD");
        var dirty = (await GitAsync("status --porcelain --untracked-files=no")).Length > 0;
        Line($"# harness {o.Scenario}");
        Line();
        Line($"- commit {commit}{(dirty ? " (with uncommitted changes)" : "")}, {Environment.ProcessorCount} cores, load average at start {File.ReadAllText("/proc/loadavg").Trim()}");
        Line($"- options: n={o.Count} c={o.Concurrency} after={o.FaultAfter} duration={o.Duration.TotalMinutes:0.##} min grant={o.Grant}");
        var hostVariables = MemoryBurst.HostVariables().ToList();
        Line($"- host variables: {(hostVariables.Count > 0 ? string.Join(" ", hostVariables.Select(v => $"{v.Name}={v.Value}")) : "(none: the published runtimeconfig's GC settings)")}");

        await using var stack = await Stack.StartAsync(o.Build, o.Keep, output, startHosts: o.Scenario is not ("start-during-outage" or "memory-burst"));
        var observed = new Observed();
        var checks = new List<(string Name, bool Ok, string Detail)>();
        var secrets = new List<(string Kind, string Value)>();
        var ids = new List<Guid>();

        switch (o.Scenario)
        {
            case "kill-web":
            {
                double killedAt = 0, backAt = 0;
                var outcomes = await ProvisionStorm.RunAsync(stack, observed, o.Count, o.Concurrency, o.Grant, o.FaultAfter, async () =>
                {
                    killedAt = observed.Now;
                    stack.KillWeb();
                    Line($"- SIGKILLed the web process after {o.FaultAfter} answers, at {killedAt:0.0}s");
                    await stack.StartWebAsync();
                    backAt = observed.Now;
                    Line($"- restarted web ready at {backAt:0.0}s ({backAt - killedAt:0.0}s later)");
                });
                if (o.Grant) await ProvisionStorm.WaitForProvisioningAsync(stack, TimeSpan.FromSeconds(120));
                var v = await ProvisionStorm.VerifyAsync(stack, outcomes);
                ReportStorm(Line, observed, outcomes, v, killedAt, backAt);
                checks.Add(("the fault happened", killedAt > 0 && backAt > killedAt, $"killed at {killedAt:0.0}s, back at {backAt:0.0}s"));
                CheckStorm(checks, observed, outcomes, v, ids, secrets);
                break;
            }
            case "restart-postgres":
            {
                double downAt = 0, upAt = 0;
                var outcomes = await ProvisionStorm.RunAsync(stack, observed, o.Count, o.Concurrency, o.Grant, o.FaultAfter, async () =>
                {
                    downAt = observed.Now;
                    Line($"- pg_ctl stop -m fast after {o.FaultAfter} answers, at {downAt:0.0}s; start again 5 s later");
                    await stack.StopPostgresAsync();
                    await Task.Delay(5000);
                    await stack.StartPostgresAsync();
                    upAt = observed.Now;
                    Line($"- PostgreSQL accepting connections again at {upAt:0.0}s ({upAt - downAt:0.0}s outage)");
                }, abandon: () => stack.Web!.HasExited || stack.Worker!.HasExited);
                if (stack.Web!.HasExited) Line($"- **the web process exited during the run** (exit code {stack.Web.ExitCode}); see the end of {stack.WebLog}");
                if (stack.Worker!.HasExited) Line($"- **the worker process exited during the run** (exit code {stack.Worker.ExitCode}); see the end of {stack.WorkerLog}");
                var webPid = stack.Web.Id;
                if (o.Grant) await ProvisionStorm.WaitForProvisioningAsync(stack, TimeSpan.FromSeconds(120));
                var v = await ProvisionStorm.VerifyAsync(stack, outcomes);
                ReportStorm(Line, observed, outcomes, v, downAt, upAt);
                var during = observed.Attempts.Where(a => a.AtSeconds >= downAt && a.AtSeconds <= upAt + 1).ToList();
                var after = observed.Attempts.Where(a => a.AtSeconds > upAt + 1).ToList();
                checks.Add(("the fault happened", downAt > 0 && upAt > downAt, $"down at {downAt:0.0}s, up at {upAt:0.0}s"));
                checks.Add(("only 2xx and 503 during the outage", during.All(a => a.Outcome is "200" or "201" or "202" or "503"), Observed.Summarize(during)));
                checks.Add(("worker survived the outage", !stack.Worker.HasExited, stack.Worker.HasExited ? $"exited with {stack.Worker.ExitCode}" : "still running"));
                checks.Add(("recovered without a restart", !stack.Web.HasExited && stack.Web.Id == webPid && after.Any(a => a.Outcome.StartsWith('2')),
                    $"same web pid {webPid}; after recovery: {Observed.Summarize(after)}"));
                CheckStorm(checks, observed, outcomes, v, ids, secrets);
                break;
            }
            case "start-during-outage":
            {
                await stack.StopPostgresAsync();
                var downAt = observed.Now;
                stack.LaunchWeb();
                stack.LaunchWorker();
                int webPid = stack.Web!.Id, workerPid = stack.Worker!.Id;
                Line($"- PostgreSQL stopped, then web and worker launched at {downAt:0.0}s; PostgreSQL starts again {o.Outage.TotalSeconds:0} s later");
                // Heroku does not wait for us: provisions arrive during the outage and are retried until they succeed.
                var early = ProvisionStorm.RunAsync(stack, observed, o.Concurrency, o.Concurrency, o.Grant, faultAfter: 0, fault: null,
                    abandon: () => stack.Web.HasExited);
                await Task.Delay(o.Outage);
                await stack.StartPostgresAsync();
                var upAt = observed.Now;
                Line($"- PostgreSQL accepting connections again at {upAt:0.0}s");
                double? readyAt = null, workerAt = null;
                try { await stack.WaitForWebReadyAsync(TimeSpan.FromSeconds(60)); readyAt = observed.Now; }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException) { Line($"- **web**: {e.Message}"); }
                try { await stack.WaitForWorkerStartedAsync(TimeSpan.FromSeconds(60)); workerAt = observed.Now; }
                catch (Exception e) when (e is TimeoutException or InvalidOperationException) { Line($"- **worker**: {e.Message}"); }
                Line($"- web ready at {readyAt:0.0}s, worker started (per its log) by {workerAt:0.0}s");
                var outcomes = await early;
                var duringOutage = outcomes.ToList();
                if (readyAt is not null)
                    outcomes.AddRange(await ProvisionStorm.RunAsync(stack, observed, o.Count, o.Concurrency, o.Grant, faultAfter: 0, fault: null,
                        abandon: () => stack.Web.HasExited || stack.Worker.HasExited));
                if (o.Grant) await ProvisionStorm.WaitForProvisioningAsync(stack, TimeSpan.FromSeconds(120));
                var v = await ProvisionStorm.VerifyAsync(stack, outcomes);
                ReportStorm(Line, observed, outcomes, v, downAt, upAt);
                var during = observed.Attempts.Where(a => a.AtSeconds < upAt).ToList();
                checks.Add(("the outage covered the start", upAt - downAt >= o.Outage.TotalSeconds * 0.9, $"down at {downAt:0.0}s, up at {upAt:0.0}s"));
                checks.Add(("while PostgreSQL was down: only 503, or not yet listening", during.All(a => a.Outcome is "503" or "connection-refused"), Observed.Summarize(during)));
                checks.Add(("web survived and became ready without a restart", readyAt is not null && !stack.Web.HasExited && stack.Web.Id == webPid,
                    stack.Web.HasExited ? $"exited with {stack.Web.ExitCode}" : $"same pid {webPid}, ready {readyAt - upAt:0.0}s after PostgreSQL returned"));
                checks.Add(("worker survived and started", workerAt is not null && !stack.Worker.HasExited && stack.Worker.Id == workerPid,
                    stack.Worker.HasExited ? $"exited with {stack.Worker.ExitCode}" : $"same pid {workerPid}"));
                checks.Add(("provisions sent during the outage all ended 2xx", duringOutage.All(x => x.Status is >= 200 and < 300), $"{duringOutage.Count(x => x.Status is >= 200 and < 300)}/{duringOutage.Count}"));
                CheckStorm(checks, observed, outcomes, v, ids, secrets);
                break;
            }
            case "secrets" or "soak":
            {
                var load = new MixedLoad(stack, observed);
                var rss = new List<(double At, double Web, double Worker)>();
                using var sampling = new CancellationTokenSource();
                var sampler = Task.Run(async () =>
                {
                    while (!sampling.IsCancellationRequested)
                    {
                        rss.Add((observed.Now, Stack.RssMb(stack.Web!) ?? double.NaN, Stack.RssMb(stack.Worker!) ?? double.NaN));
                        try { await Task.Delay(10_000, sampling.Token); } catch (OperationCanceledException) { }
                    }
                });
                await load.RunAsync(o.Duration, o.Concurrency);
                await sampling.CancelAsync();
                await sampler;
                await ProvisionStorm.WaitForProvisioningAsync(stack, TimeSpan.FromSeconds(120));
                ReportMixed(Line, observed, rss, load, checks, o.Scenario == "soak");
                secrets.AddRange(load.Secrets);
                ids.AddRange(load.Ids);
                break;
            }
            case "memory-burst":
                try { await MemoryBurst.RunAsync(stack, observed, Line, checks, ids, secrets); }
                catch (InvalidOperationException e) when (stack.Cgroups.Count == 0)
                {
                    Line($"- **cannot run**: {e.Message}");
                    return 2;
                }
                break;
            default:
                await Console.Error.WriteLineAsync(Usage);
                return 2;
        }

        // Every scenario ends with the secrets scan: SIGTERM (the hosts flush their logs), then search them.
        await stack.StopServicesAsync();
        secrets.AddRange(stack.ConfiguredSecrets);
        var sim = stack.Simulator.State;
        secrets.AddRange(sim.AccessTokens.Keys.Select(k => ("oauth access token", k)));
        secrets.AddRange(sim.RefreshTokens.Keys.Select(k => ("oauth refresh token", k)));
        secrets.AddRange(sim.UsedCodes.Keys.Select(k => ("oauth grant code", k)));
        secrets.AddRange(sim.Addons.Values.SelectMany(a => a.Config).Where(c => c.Key.EndsWith("_PASSWORD") || c.Key.EndsWith("_KEY")).Select(c => ("config var " + c.Key, c.Value)));
        ScanLogs(Line, stack, secrets, ids, checks);

        Line();
        Line("| check | result | detail |");
        Line("|---|---|---|");
        foreach (var (name, ok, detail) in checks) Line($"| {name} | {(ok ? "met" : "**MISSED**")} | {detail} |");
        Line();
        Line($"Logs: {stack.WebLog}, {stack.WorkerLog}");
        await stack.StopServicesAsync();
        MemoryBurst.RemoveCgroups(stack.Cgroups.Values);
        var passed = checks.All(c => c.Ok);
        Line(passed ? "harness: all checks met" : "harness: SOME CHECKS MISSED");
        return passed ? 0 : 1;
    }

    /// <summary>
    /// What every provision-storm scenario checks of its outcome: each uuid ended 2xx and has exactly one committed
    /// row (none lost, none doubled), credentials are single, no 500 was ever seen; and what the log scan needs.
    /// </summary>
    private static void CheckStorm(List<(string, bool, string)> checks, Observed observed, List<ProvisionStorm.Outcome> outcomes,
        ProvisionStorm.Verdict v, List<Guid> ids, List<(string Kind, string Value)> secrets)
    {
        var ok = outcomes.Count(x => x.Status is >= 200 and < 300);
        checks.Add(("every request ended in a 2xx", ok == outcomes.Count, $"{ok}/{outcomes.Count}"));
        checks.Add(("no lost or doubled resources", v.Missing == 0 && v.ResourcesInDb == outcomes.Count && v.Duplicates == 0,
            $"missing {v.Missing}, {v.ResourcesInDb} rows for {outcomes.Count} uuids, duplicates {v.Duplicates}"));
        checks.Add(("one credential per Kafka/Inference resource", v.CredentialAnomalies == 0, $"anomalies {v.CredentialAnomalies}, still provisioning {v.StillProvisioning}, failed {v.Failed}"));
        checks.Add(("never a 500 (whole run)", observed.Attempts.All(a => a.Outcome != "500"), Observed.Summarize(observed.Attempts)));
        ids.AddRange(outcomes.Select(x => x.Id));
        secrets.AddRange(ProvisionSecrets(outcomes.Select(x => x.Body)));
    }

    private static void ReportStorm(Action<string> line, Observed observed, List<ProvisionStorm.Outcome> outcomes, ProvisionStorm.Verdict v, double faultAt, double backAt)
    {
        var attempts = observed.Attempts.ToList();
        line($"- provisions: {outcomes.Count}, final statuses: {string.Join(", ", outcomes.GroupBy(x => x.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}: {g.Count()}"))}; requests retried: {outcomes.Count(x => x.Attempts > 1)}, most attempts for one uuid: {outcomes.Max(x => x.Attempts)}");
        line($"- every attempt the client saw: {Observed.Summarize(attempts)} (total {attempts.Count})");
        line($"- before the fault: {Observed.Summarize(attempts.Where(a => a.AtSeconds < faultAt))}");
        line($"- fault until back (+1 s): {Observed.Summarize(attempts.Where(a => a.AtSeconds >= faultAt && a.AtSeconds <= backAt + 1))}");
        line($"- after: {Observed.Summarize(attempts.Where(a => a.AtSeconds > backAt + 1))}");
        line($"- PostgreSQL: 2xx answers {v.Answered2xx}, missing rows {v.Missing}, rows in resources {v.ResourcesInDb}, duplicate ids {v.Duplicates}, credential anomalies {v.CredentialAnomalies}, still provisioning {v.StillProvisioning}, failed {v.Failed}");
    }

    private static void ReportMixed(Action<string> line, Observed observed, List<(double At, double Web, double Worker)> rss, MixedLoad load,
        List<(string, bool, string)> checks, bool soak)
    {
        var attempts = observed.Attempts.ToList();
        line($"- operations: {attempts.Count}; unexpected statuses: {load.Unexpected}");
        foreach (var g in attempts.GroupBy(a => a.Op).OrderBy(g => g.Key))
            line($"  - {g.Key}: {g.Count()} ({Observed.Summarize(g)}), p50 {Percentile(g, 0.50):0.0} ms, p99 {Percentile(g, 0.99):0.0} ms");
        line("");
        line("| minute | operations | p50 ms | p99 ms |");
        line("|---|---|---|---|");
        var minutes = attempts.GroupBy(a => (int)(a.AtSeconds / 60)).OrderBy(g => g.Key).ToList();
        foreach (var m in minutes) line($"| {m.Key + 1} | {m.Count()} | {Percentile(m, 0.50):0.0} | {Percentile(m, 0.99):0.0} |");
        line("");
        line("RSS samples (s: web MB / worker MB): " + string.Join(", ", rss.Select(r => $"{r.At:0}: {r.Web:0.0}/{r.Worker:0.0}")));
        line("");
        checks.Add(("no unexpected status (no 5xx, no connection errors)", load.Unexpected == 0 && attempts.All(a => a.Outcome is not ("connection-error" or "timeout")), Observed.Summarize(attempts)));
        if (!soak) return;
        var maxRss = rss.Where(r => !double.IsNaN(r.Web)).Max(r => r.Web);
        checks.Add(("web RSS at most 200 MB (issue 17)", maxRss <= 200, $"max {maxRss:0.0} MB"));
        // Flat: the last minute's mean RSS within 15 % of the mean over minutes 2–3 (after JIT and pools warmed up).
        var warm = rss.Where(r => r.At is >= 60 and < 180).Select(r => r.Web).DefaultIfEmpty(double.NaN).Average();
        var last = rss.Where(r => r.At >= rss[^1].At - 60).Select(r => r.Web).Average();
        checks.Add(("web RSS flat (last minute within 15 % of minutes 2-3)", !double.IsNaN(warm) && last <= warm * 1.15, $"minutes 2-3 {warm:0.0} MB, last minute {last:0.0} MB ({(last / warm - 1) * 100:+0;-0} %)"));
        // Drift: the last full minute's p99 no more than 1.5× the second minute's (the first includes warm-up).
        var full = minutes.Where(m => m.Key * 60 + 60 <= attempts.Max(a => a.AtSeconds) + 1).ToList();
        if (full.Count >= 3)
        {
            double first = Percentile(full[1], 0.99), lastP99 = Percentile(full[^1], 0.99);
            checks.Add(("p99 does not drift (last full minute ≤ 1.5× minute 2)", lastP99 <= first * 1.5, $"minute 2 {first:0.0} ms, minute {full[^1].Key + 1} {lastP99:0.0} ms"));
        }
        else checks.Add(("p99 does not drift", false, "run too short to judge (fewer than 3 full minutes)"));
    }

    private static double Percentile(IEnumerable<Attempt> attempts, double p)
    {
        var ms = attempts.Select(a => a.Ms).Order().ToArray();
        return ms.Length == 0 ? double.NaN : ms[Math.Min(ms.Length - 1, (int)(ms.Length * p))];
    }

    internal static IEnumerable<(string, string)> ProvisionSecrets(IEnumerable<string> bodies)
    {
        foreach (var body in bodies)
        {
            System.Text.Json.JsonDocument doc;
            try { doc = System.Text.Json.JsonDocument.Parse(body); } catch (System.Text.Json.JsonException) { continue; }
            using (doc)
                if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty("config", out var c) && c.ValueKind == System.Text.Json.JsonValueKind.Object)
                    foreach (var p in c.EnumerateObject())
                        if (p.Name.EndsWith("_PASSWORD") || p.Name.EndsWith("_KEY")) yield return (p.Name, p.Value.GetString()!);
        }
    }

    /// <summary>
    /// Every secret the run issued or configured, searched for in both logs at once (a multi-string search).
    /// The resource ids are searched the same way as a control: they must appear, or the logs prove nothing.
    /// </summary>
    private static void ScanLogs(Action<string> line, Stack stack, List<(string Kind, string Value)> secrets, List<Guid> ids, List<(string, bool, string)> checks)
    {
        var logs = File.ReadAllText(stack.WebLog) + "\n" + File.ReadAllText(stack.WorkerLog);
        var distinct = secrets.Where(s => s.Value.Length >= 8).DistinctBy(s => s.Value).ToList();
        var hits = CountHits(logs, distinct.Select(s => s.Value).ToArray());
        var leaked = distinct.Where(s => hits.ContainsKey(s.Value)).ToList();
        var idHits = CountHits(logs, ids.Select(i => i.ToString()).ToArray());
        var lines = logs.Count(c => c == '\n');
        line($"- secrets scan: {distinct.Count} distinct secrets ({string.Join(", ", distinct.GroupBy(s => s.Kind.Split(' ')[0] == "config" || s.Kind.StartsWith("KAFKA") || s.Kind.StartsWith("INFERENCE") ? "issued config var" : s.Kind).Select(g => $"{g.Key}: {g.Count()}"))})");
        line($"- logs: {new FileInfo(stack.WebLog).Length / 1024} KB web + {new FileInfo(stack.WorkerLog).Length / 1024} KB worker, {lines} lines; resource ids found in them (control): {idHits.Count} of {ids.Count}");
        checks.Add(("logs captured and mention the run's resources (control)", lines > 0 && idHits.Count > 0, $"{lines} lines, {idHits.Count} resource ids"));
        checks.Add(("no secret in the web or worker log", leaked.Count == 0,
            leaked.Count == 0 ? $"0 hits for {distinct.Count} secrets" : "leaked: " + string.Join(", ", leaked.GroupBy(l => l.Kind).Select(g => $"{g.Key} ×{g.Count()}"))));
    }

    private static Dictionary<string, int> CountHits(string text, string[] needles)
    {
        var found = new Dictionary<string, int>();
        if (needles.Length == 0) return found;
        var search = SearchValues.Create(needles, StringComparison.Ordinal);
        var set = needles.ToHashSet(StringComparer.Ordinal);
        var lengths = needles.Select(n => n.Length).Distinct().OrderDescending().ToArray();
        var span = text.AsSpan();
        var offset = 0;
        while (offset < span.Length)
        {
            var i = span[offset..].IndexOfAny(search);
            if (i < 0) break;
            var at = offset + i;
            foreach (var length in lengths)
                if (at + length <= span.Length && set.TryGetValue(span.Slice(at, length).ToString(), out var hit))
                {
                    found[hit] = found.GetValueOrDefault(hit) + 1;
                    break;
                }
            offset = at + 1;
        }
        return found;
    }

    private static async Task<string> GitAsync(string args)
    {
        try
        {
            var p = Process.Start(new ProcessStartInfo("git", args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var text = await p.StandardOutput.ReadToEndAsync();
            await p.WaitForExitAsync();
            return text.Trim();
        }
        catch (System.ComponentModel.Win32Exception) { return "unknown"; }
    }
}
