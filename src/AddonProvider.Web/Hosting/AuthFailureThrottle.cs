using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading.RateLimiting;
using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Hosting;

/// <summary>Where a credential is presented; each surface keeps its own failure count per client address.</summary>
public enum AuthSurface { PartnerApi, Sso, ApiKey, Admin, AdminSignIn, ConsoleSignIn }

/// <summary>
/// Throttles failures, never successes. Each refused credential counts against (surface, client address); past
/// AUTH_FAILURE_LIMIT a minute, a credential this process has not seen valid is answered 429 before anything looks
/// it up, so guessing costs the attacker a minute per batch and costs us no database round trip. Credentials seen
/// valid (remembered as keyed hashes, bounded) keep working from the same address: a customer's app behind the same
/// NAT as an attacker is not locked out, and Heroku and the benchmarks, which authenticate, are never throttled.
/// Per process: each dyno counts its own failures, which bounds the total at limit × dynos.
/// </summary>
public sealed class AuthFailureThrottle : IDisposable
{
    public const string LimitVariable = "AUTH_FAILURE_LIMIT";
    public const int DefaultLimit = 30;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly PartitionedRateLimiter<(AuthSurface Surface, string Address)> _failures;
    private readonly SeenCredentials _seen = new(capacity: 50_000);

    public AuthFailureThrottle(int limit)
    {
        if (limit < 1) throw new InvalidOperationException($"{LimitVariable} must be 1 or more, got {limit}.");
        Limit = limit;
        _failures = PartitionedRateLimiter.Create<(AuthSurface Surface, string Address), (AuthSurface, string)>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit, Window = Window, QueueLimit = 0, AutoReplenishment = true,
            }));
    }

    public static AuthFailureThrottle From(Settings settings) => new(settings.GetInt(LimitVariable, DefaultLimit));

    public int Limit { get; }

    /// <summary>
    /// Null when the credential may be checked; else how long the caller must wait. Checking costs no permit: only
    /// <see cref="Failed"/> counts.
    /// </summary>
    public TimeSpan? Refuse(HttpContext http, AuthSurface surface, string credential) =>
        ThrottledFor(http, surface) is { } wait && !_seen.Contains(surface, credential) ? wait : null;

    /// <summary>How long this address must wait on this surface before an unknown credential is checked again; null when it need not.</summary>
    public TimeSpan? ThrottledFor(HttpContext http, AuthSurface surface)
    {
        using var probe = _failures.AttemptAcquire((surface, ClientAddress.Of(http)), 0);
        if (probe.IsAcquired) return null;
        return probe.TryGetMetadata(MetadataName.RetryAfter, out var wait) && wait > TimeSpan.Zero ? wait : Window;
    }

    /// <summary>A presented credential was refused.</summary>
    public void Failed(HttpContext http, AuthSurface surface)
    {
        using var _ = _failures.AttemptAcquire((surface, ClientAddress.Of(http)));
    }

    /// <summary>A presented credential was accepted: it passes the throttle from now on.</summary>
    public void Succeeded(AuthSurface surface, string credential) => _seen.Add(surface, credential);

    /// <summary>Whole seconds to wait, at least 1.</summary>
    public static int Seconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    public static string RetryAfterHeader(TimeSpan wait) => Seconds(wait).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Message(TimeSpan wait) =>
        $"Too many failed authentication attempts from your address; retry in {RetryAfterHeader(wait)} s.";

    public void Dispose() => _failures.Dispose();

    /// <summary>
    /// Keyed hashes (a random key per process, so the set holds nothing usable) of credentials that were valid. Two
    /// generations: when the current one fills, it becomes the previous and the oldest is dropped, so memory is bounded
    /// while credentials in use keep being found (a hit in the previous generation moves forward).
    /// </summary>
    private sealed class SeenCredentials(int capacity)
    {
        private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
        private readonly Lock _rotate = new();
        private ConcurrentDictionary<UInt128, byte> _current = new();
        private ConcurrentDictionary<UInt128, byte> _previous = new();

        public bool Contains(AuthSurface surface, string credential)
        {
            var id = Id(surface, credential);
            if (_current.ContainsKey(id)) return true;
            if (!_previous.ContainsKey(id)) return false;
            Add(id);
            return true;
        }

        public void Add(AuthSurface surface, string credential) => Add(Id(surface, credential));

        private void Add(UInt128 id)
        {
            if (_current.TryAdd(id, 0) && _current.Count >= capacity / 2)
                lock (_rotate)
                    if (_current.Count >= capacity / 2)
                        (_previous, _current) = (_current, new ConcurrentDictionary<UInt128, byte>());
        }

        private UInt128 Id(AuthSurface surface, string credential)
        {
            Span<byte> mac = stackalloc byte[32];
            HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{(int)surface}\n{credential}"), mac);
            return new UInt128(BitConverter.ToUInt64(mac), BitConverter.ToUInt64(mac[8..]));
        }
    }
}

/// <summary>
/// The client address a throttle counts against: the socket peer, or the router's X-Forwarded-For entry where that
/// is trusted (RouterServices). IPv6 clients count per /64, the block one subscriber usually holds, so rotating
/// through one's own addresses buys nothing.
/// </summary>
public static class ClientAddress
{
    public static string Of(HttpContext http)
    {
        var ip = http.Connection.RemoteIpAddress;
        if (ip is null) return "unknown";
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        if (ip.AddressFamily != AddressFamily.InterNetworkV6) return ip.ToString();
        var bytes = ip.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}
