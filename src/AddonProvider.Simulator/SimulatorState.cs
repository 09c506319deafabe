using System.Collections.Concurrent;

namespace AddonProvider.Simulator;

/// <summary>One call the provider made to the simulated Heroku. Bearer tokens are recorded by serial, never by value.</summary>
public sealed class RecordedCall
{
    public long Seq { get; init; }
    public DateTime At { get; init; }
    public required string Method { get; init; }
    public required string Path { get; init; }
    public string? UserAgent { get; init; }
    public string? Body { get; set; }
    public int? TokenSerial { get; set; }

    /// <summary>The add-on the call concerned (from the path, the grant code or the token).</summary>
    public Guid? ResourceId { get; set; }
    public string? GrantType { get; set; }

    /// <summary>0 while held; 499 when the caller went away before an answer.</summary>
    public int Status { get; set; }
}

public sealed record FaultRule(int Status, int Count, int? RetryAfterSeconds, string? PathContains);

public sealed record HoldRule(string PathContains, int Count);

public sealed record RevokeRule(Guid ResourceId, bool RefreshTokens);

public sealed class SimulatedAddon
{
    public required Guid Id { get; init; }
    public required string Product { get; init; }
    public required string AppId { get; init; }
    public required string AppName { get; init; }
    /// <summary>The billing app's owner; settable, as an app can change hands on Heroku.</summary>
    public required string OwnerEmail { get; set; }
    public string State { get; set; } = "provisioning";
    public ConcurrentDictionary<string, string> Config { get; } = new();

    /// <summary>The app's collaborators (tests add and remove them through <c>PUT /_addons/{id}/collaborators</c>).</summary>
    public volatile IReadOnlyList<SimulatedUser> Collaborators = [];

    /// <summary>The team that owns the app, or null for a personal app (<c>PUT/DELETE /_addons/{id}/team</c>).</summary>
    public volatile SimulatedTeam? Team;
}

/// <summary>A Heroku user with access to an app: a collaborator's permissions, or a team member's role.</summary>
public sealed record SimulatedUser(string Email, string[]? Permissions = null, string? Role = null)
{
    public string Id => HerokuSimulator.DeterministicGuid("user", Email);
}

public sealed record SimulatedTeam(string Name, IReadOnlyList<SimulatedUser> Members)
{
    public string Id => HerokuSimulator.DeterministicGuid("team", Name);
    public string Email => $"{Name}@teams.example.com";
}

public sealed record IssuedToken(Guid ResourceId, string Product, int Serial, DateTime ExpiresAt);

/// <summary>Everything the simulated Heroku remembers, and the switches tests flip.</summary>
public sealed class SimulatorState
{
    private readonly Lock _gate = new();
    private long _seq;
    private FaultRule? _fault;
    private HoldRule? _hold;
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConcurrentQueue<RecordedCall> Calls { get; } = new();
    public ConcurrentDictionary<Guid, SimulatedAddon> Addons { get; } = new();
    public ConcurrentDictionary<string, IssuedToken> AccessTokens { get; } = new();
    public ConcurrentDictionary<string, IssuedToken> RefreshTokens { get; } = new();
    public ConcurrentDictionary<string, bool> UsedCodes { get; } = new();

    /// <summary>What the simulated Logplex received (app-log drains).</summary>
    public LogplexState Logplex { get; } = new();

    /// <summary>Tokens Heroku no longer honours (kept by value, so tests can still look for them in logs).</summary>
    public ConcurrentDictionary<string, bool> RevokedTokens { get; } = new();
    private readonly ConcurrentDictionary<Guid, int> _serials = new();

    /// <summary>expires_in of issued access tokens (Heroku: 28800).</summary>
    public int ExpiresInSeconds { get; set; } = 28800;

    /// <summary>
    /// Heroku stops honouring the resource's access tokens before their expiry (the user revoked them, say):
    /// calls with them answer 401. With <paramref name="refreshTokens"/> its refresh tokens are refused too.
    /// Tokens issued afterwards are unaffected.
    /// </summary>
    public void Revoke(Guid resourceId, bool refreshTokens = false)
    {
        foreach (var (token, issued) in AccessTokens)
            if (issued.ResourceId == resourceId) RevokedTokens[token] = true;
        if (!refreshTokens) return;
        foreach (var (token, issued) in RefreshTokens)
            if (issued.ResourceId == resourceId) RevokedTokens[token] = true;
    }

    public RecordedCall Record(string method, string path, string? userAgent)
    {
        var call = new RecordedCall { Seq = Interlocked.Increment(ref _seq), At = DateTime.UtcNow, Method = method, Path = path, UserAgent = userAgent };
        Calls.Enqueue(call);
        return call;
    }

    public IReadOnlyList<RecordedCall> CallsFor(Guid resourceId) =>
        Calls.Where(c => c.Path.Contains(resourceId.ToString(), StringComparison.OrdinalIgnoreCase)).OrderBy(c => c.Seq).ToList();

    public int NextSerial(Guid resourceId) => _serials.AddOrUpdate(resourceId, 1, (_, n) => n + 1);

    /// <summary>The next <paramref name="count"/> matching calls answer <paramref name="status"/>.</summary>
    public void FailNext(int status, int count, int? retryAfterSeconds = null, string? pathContains = null)
    {
        lock (_gate) _fault = new FaultRule(status, count, retryAfterSeconds, pathContains);
    }

    public FaultRule? TakeFault(string path)
    {
        lock (_gate)
        {
            if (_fault is not { Count: > 0 } f || (f.PathContains is not null && !path.Contains(f.PathContains, StringComparison.Ordinal))) return null;
            _fault = f with { Count = f.Count - 1 };
            return f;
        }
    }

    /// <summary>The next <paramref name="count"/> matching calls wait, unanswered, until <see cref="Release"/>.</summary>
    public void HoldNext(string pathContains, int count = 1)
    {
        lock (_gate)
        {
            _hold = new HoldRule(pathContains, count);
            _release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public Task? TakeHold(string path)
    {
        lock (_gate)
        {
            if (_hold is not { Count: > 0 } h || !path.Contains(h.PathContains, StringComparison.Ordinal)) return null;
            _hold = h with { Count = h.Count - 1 };
            return _release.Task;
        }
    }

    public void Release()
    {
        lock (_gate) _release.TrySetResult();
    }

    public void Reset()
    {
        lock (_gate) { _fault = null; _hold = null; _release.TrySetResult(); }
        Calls.Clear();
    }
}
