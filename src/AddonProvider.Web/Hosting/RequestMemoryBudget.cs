using System.Globalization;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// The bytes that request bodies may hold at once in this process (REQUEST_MEMORY_BUDGET_MB, by default a quarter
/// of the process's memory limit: the cgroup's, else the machine's). A request takes its share before its body is
/// read and gives it back when it ends; one that does not fit waits up to REQUEST_MEMORY_WAIT for others to finish,
/// then is refused with 503 and Retry-After by its caller. A request alone in the process is always admitted, so
/// the budget never refuses what the body size limit allows.
/// </summary>
public sealed class RequestMemoryBudget
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _inUse;
    private long _peakSinceTrim;
    private readonly Timer _trim;

    /// <summary>In-flight bytes that, once all given back, are worth returning to the operating system.</summary>
    public const long TrimAfterBytes = 32L * 1024 * 1024;
    /// <summary>
    /// When, after the budget empties, to collect: at once (2 s) for what the requests left, then twice more for what
    /// the server's pools give up only later (Kestrel's pinned blocks, evicted while idle, are garbage only once
    /// evicted; without allocations nothing would ever collect them). Measured in the memory-burst harness.
    /// </summary>
    public static readonly TimeSpan[] TrimSchedule = [TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(40)];
    private int _trimStep;

    public RequestMemoryBudget(long budgetBytes, TimeSpan wait)
    {
        BudgetBytes = budgetBytes;
        Wait = wait;
        _trim = new Timer(_ => TrimIfIdle());
        Telemetry.Meter.CreateObservableGauge("addon.request_memory.in_use", () => Interlocked.Read(ref _inUse), "By",
            "Request body bytes admitted against REQUEST_MEMORY_BUDGET_MB");
    }

    public long BudgetBytes { get; }
    public TimeSpan Wait { get; }
    public long InUse => Interlocked.Read(ref _inUse);
    /// <summary>What a refused request is told to wait, in seconds.</summary>
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(Wait.TotalSeconds));

    public static readonly System.Diagnostics.Metrics.Counter<long> Refused =
        Telemetry.Meter.CreateCounter<long>("addon.request_memory.refused", description: "Requests answered 503 because REQUEST_MEMORY_BUDGET_MB was in use");

    public static RequestMemoryBudget From(Settings settings, ILogger? log = null)
    {
        var (limit, source) = MemoryLimit.Detect();
        var configured = settings.GetInt("REQUEST_MEMORY_BUDGET_MB", 0);
        var budget = configured > 0 ? configured * 1024L * 1024 : Math.Max(32L * 1024 * 1024, limit / 4);
        var wait = settings.GetDuration("REQUEST_MEMORY_WAIT", TimeSpan.FromSeconds(2));
        log?.LogInformation("Request memory budget {BudgetMb} MB ({How}; memory limit {LimitMb} MB from {Source}).",
            budget / (1024 * 1024), configured > 0 ? "REQUEST_MEMORY_BUDGET_MB" : "a quarter of the limit", limit / (1024 * 1024), source);
        return new RequestMemoryBudget(budget, wait);
    }

    /// <summary>Takes <paramref name="bytes"/>, waiting up to <see cref="Wait"/>; null when they did not become free.</summary>
    public async Task<Lease?> AdmitAsync(long bytes, CancellationToken ct)
    {
        var lease = new Lease(this);
        return await TakeAsync(bytes, ct) ? lease.Add(bytes) : null;
    }

    private async Task<bool> TakeAsync(long bytes, CancellationToken ct)
    {
        Waiter waiter;
        lock (_lock)
        {
            if (Fits(bytes))
            {
                _inUse += bytes;
                _peakSinceTrim = Math.Max(_peakSinceTrim, _inUse);
                return true;
            }
            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }
        try
        {
            await waiter.Granted.Task.WaitAsync(Wait, ct);
            return true;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            bool granted;
            lock (_lock)
            {
                granted = waiter.Granted.Task.IsCompletedSuccessfully; // granted just as the wait ended
                if (!granted) _waiters.Remove(waiter.Node!);
            }
            if (e is TimeoutException) return granted;
            if (granted) Release(bytes);
            throw;
        }
    }

    private bool Fits(long bytes) => _inUse == 0 || _inUse + bytes <= BudgetBytes;

    private void Release(long bytes)
    {
        lock (_lock)
        {
            _inUse -= bytes;
            for (var node = _waiters.First; node is not null;)
            {
                var next = node.Next;
                if (Fits(node.Value.Bytes))
                {
                    _inUse += node.Value.Bytes;
                    _peakSinceTrim = Math.Max(_peakSinceTrim, _inUse);
                    _waiters.Remove(node);
                    node.Value.Granted.TrySetResult();
                }
                node = next;
            }
            if (_inUse == 0 && _peakSinceTrim >= TrimAfterBytes)
            {
                _peakSinceTrim = 0;
                _trimStep = 0;
                _trim.Change(TrimSchedule[0], Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>
    /// After a burst of large bodies the garbage collector keeps the heap it grew (no allocations, no collection), so a
    /// dyno would sit near its peak for good. Once the budget has been empty for a moment,
    /// aggressive collections (<see cref="TrimSchedule"/>) give the freed memory back (measured in the memory-burst harness; README, "Memory").
    /// </summary>
    private void TrimIfIdle()
    {
        lock (_lock)
        {
            // Busy again: the burst is not over, and its last release schedules the collections anew.
            if (_inUse != 0) return;
            if (++_trimStep < TrimSchedule.Length)
                _trim.Change(TrimSchedule[_trimStep] - TrimSchedule[_trimStep - 1], Timeout.InfiniteTimeSpan);
        }
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        Trims.Add(1);
    }

    public static readonly System.Diagnostics.Metrics.Counter<long> Trims =
        Telemetry.Meter.CreateCounter<long>("addon.request_memory.trims", description: "Aggressive collections after a burst of large request bodies");

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;
        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public LinkedListNode<Waiter>? Node { get; set; }
    }

    /// <summary>What one request holds; grows while its body is read, released all at once when disposed.</summary>
    public sealed class Lease(RequestMemoryBudget budget) : IDisposable
    {
        private long _bytes;

        internal Lease Add(long bytes)
        {
            Interlocked.Add(ref _bytes, bytes);
            return this;
        }

        public long Bytes => Interlocked.Read(ref _bytes);

        /// <summary>Takes more for this request (waiting like an admission); false when it could not.</summary>
        public async ValueTask<bool> GrowAsync(long bytes, CancellationToken ct)
        {
            if (!await budget.TakeAsync(bytes, ct)) return false;
            Add(bytes);
            return true;
        }

        public void Dispose()
        {
            var bytes = Interlocked.Exchange(ref _bytes, 0);
            if (bytes > 0) budget.Release(bytes);
        }
    }
}

/// <summary>The memory this process may use: cgroup v2 <c>memory.max</c>, cgroup v1 <c>memory.limit_in_bytes</c>, else the machine's.</summary>
public static class MemoryLimit
{
    public static (long Bytes, string Source) Detect()
    {
        try
        {
            foreach (var line in File.ReadAllLines("/proc/self/cgroup"))
            {
                var parts = line.Split(':', 3);
                if (parts.Length != 3) continue;
                var (file, kind) = parts[0] == "0" && parts[1] == ""
                    ? ($"/sys/fs/cgroup{parts[2]}/memory.max", "cgroup v2 memory.max")
                    : parts[1].Split(',').Contains("memory") ? ($"/sys/fs/cgroup/memory{parts[2]}/memory.limit_in_bytes", "cgroup v1 memory.limit_in_bytes") : default;
                if (file is null) continue;
                if (!File.Exists(file) && kind.StartsWith("cgroup v1")) file = "/sys/fs/cgroup/memory/memory.limit_in_bytes"; // a namespaced view
                if (!File.Exists(file)) continue;
                var text = File.ReadAllText(file).Trim();
                // "max" (v2) or a huge number (v1: no limit) mean "unlimited": fall through to the machine's memory.
                if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes < (1L << 50)) return (bytes, kind);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return (total > 0 ? total : 512L * 1024 * 1024, "the machine's memory");
    }
}
