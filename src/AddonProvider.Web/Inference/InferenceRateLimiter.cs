using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Web.Inference;

/// <summary>The outcome of asking for a place in a (resource, model) window, with what the headers report.</summary>
public sealed record RateDecision(
    bool Admitted, long? EventId,
    int LimitRequests, int RemainingRequests, double ResetRequestsSeconds,
    int? LimitTokens, long? RemainingTokens, double ResetTokensSeconds,
    double RetryAfterSeconds)
{
    /// <summary>No request place or no token left: nothing more fits until the window moves on.</summary>
    public bool Full => RemainingRequests == 0 || RemainingTokens == 0;

    public void WriteHeaders(HttpResponse response)
    {
        var h = response.Headers;
        h["x-ratelimit-limit-requests"] = LimitRequests.ToString(CultureInfo.InvariantCulture);
        h["x-ratelimit-remaining-requests"] = RemainingRequests.ToString(CultureInfo.InvariantCulture);
        h["x-ratelimit-reset-requests"] = Seconds(ResetRequestsSeconds);
        if (LimitTokens is { } lt)
        {
            h["x-ratelimit-limit-tokens"] = lt.ToString(CultureInfo.InvariantCulture);
            h["x-ratelimit-remaining-tokens"] = RemainingTokens!.Value.ToString(CultureInfo.InvariantCulture);
            h["x-ratelimit-reset-tokens"] = Seconds(ResetTokensSeconds);
        }
        if (!Admitted) h.RetryAfter = Math.Max(1, (int)Math.Ceiling(RetryAfterSeconds)).ToString(CultureInfo.InvariantCulture);
    }

    private static string Seconds(double s) => $"{Math.Max(0, (int)Math.Ceiling(s)).ToString(CultureInfo.InvariantCulture)}s";
}

/// <summary>
/// Sliding one-minute windows per (resource, model), held in PostgreSQL so the limit is exact across web dynos.
/// One round trip: a transaction-scoped advisory lock on the pair serialises admissions (the batch is one
/// transaction, BEGIN to COMMIT), then the admitted events of the last minute are counted and, if there is room, one is added.
/// Time is the database's clock, the one clock every dyno shares. Every key of a resource shares its budget.
/// Tokens/min reserves the request's worst case at admission (<see cref="Settle"/> replaces it with real usage).
/// Rows that left the window are not deleted on the request path (the count ignores them; <see cref="RateWindowCleanup"/>
/// sweeps them every minute), which keeps admission to two statements.
/// </summary>
public sealed class InferenceRateLimiter(InferenceSettings settings)
{
    /// <summary>(resource, model) windows this dyno last saw full, until when (Environment.TickCount64).</summary>
    private readonly ConcurrentDictionary<(Guid, string), long> _full = new();
    private const string LockSql = "SELECT pg_advisory_xact_lock($1)";
    private const string AdmitSql = """
        WITH c AS (SELECT clock_timestamp() AS now),
        w AS (
            SELECT count(*)::int AS n, coalesce(sum(e.tokens), 0)::bigint AS t, min(e.at) AS oldest
            FROM inference_rate_events e, c
            WHERE e.resource_id = $1 AND e.model_id = $2 AND e.at > c.now - interval '1 minute'),
        ins AS (
            INSERT INTO inference_rate_events (resource_id, model_id, at, tokens)
            SELECT $1, $2, c.now, $5 FROM w, c
            WHERE $6 AND w.n < $3 AND w.t + $5 <= $4
            RETURNING id)
        SELECT w.n, w.t, extract(epoch FROM coalesce(w.oldest, c.now) + interval '1 minute' - c.now)::float8, (SELECT id FROM ins)
        FROM w, c
        """;
    // When tokens are what is short: how long until enough of the window's tokens have aged out.
    private const string TokenWaitSql = """
        SELECT extract(epoch FROM at + interval '1 minute' - clock_timestamp())::float8
        FROM (SELECT at, sum(tokens) OVER (ORDER BY at, id) AS freed FROM inference_rate_events
              WHERE resource_id = $1 AND model_id = $2 AND at > clock_timestamp() - interval '1 minute') x
        WHERE $3 - freed + $4 <= $5 ORDER BY at LIMIT 1
        """;

    public int RequestsPerMinute(InferenceModel model) => Scaled(model.RequestsPerMinute);
    public int? TokensPerMinute(InferenceModel model) => model.TokensPerMinute is { } t ? Scaled(t) : null;

    /// <summary>Takes a place in the window if there is one. <paramref name="reserveTokens"/> is 0 for rerank.</summary>
    public async Task<RateDecision> AdmitAsync(AddonDbContext db, Guid resourceId, InferenceModel model, int reserveTokens, CancellationToken ct)
    {
        var decision = await RunAsync(db, resourceId, model, reserveTokens, admit: true, ct);
        if (!decision.Admitted)
            Hosting.Telemetry.RateLimitRejections.Add(1, new KeyValuePair<string, object?>("model", model.Id));
        Remember(resourceId, model.Id, decision);
        return decision;
    }

    /// <summary>The window as it stands, for answers that take no place (a 400 after the model was known).</summary>
    public async Task<RateDecision> PeekAsync(AddonDbContext db, Guid resourceId, InferenceModel model, CancellationToken ct)
    {
        var decision = await RunAsync(db, resourceId, model, 0, admit: false, ct);
        Remember(resourceId, model.Id, decision);
        return decision;
    }

    /// <summary>
    /// Whether the window is full, asked before the body is read. Only a window this dyno last saw full costs a
    /// query (which confirms it: another dyno's settlement may have given tokens back); any other answers null at once.
    /// A window filled by another dyno is found by the admission after the body, which then teaches this dyno.
    /// </summary>
    public async Task<RateDecision?> FullAsync(AddonDbContext db, Guid resourceId, InferenceModel model, CancellationToken ct)
    {
        if (!MaybeFull(resourceId, model.Id)) return null;
        var decision = await PeekAsync(db, resourceId, model, ct);
        return decision.Full ? decision : null;
    }

    public bool MaybeFull(Guid resourceId, string modelId) =>
        _full.TryGetValue((resourceId, modelId), out var until) && Environment.TickCount64 < until;

    private void Remember(Guid resourceId, string modelId, RateDecision decision)
    {
        if (!decision.Full)
        {
            _full.TryRemove((resourceId, modelId), out _);
            return;
        }
        if (_full.Count >= 100_000) _full.Clear(); // hints only: losing them costs a body parse, never a wrong answer
        var seconds = Math.Clamp(Math.Max(decision.RetryAfterSeconds, decision.ResetRequestsSeconds), 1, 60);
        _full[(resourceId, modelId)] = Environment.TickCount64 + (long)(seconds * 1000);
    }

    private async Task<RateDecision> RunAsync(AddonDbContext db, Guid resourceId, InferenceModel model, int reserve, bool admit, CancellationToken ct)
    {
        var rpm = RequestsPerMinute(model);
        var tpm = TokensPerMinute(model);
        reserve = tpm is { } cap ? Math.Min(reserve, cap) : 0; // a reservation over the whole budget could never be admitted

        var connection = await OpenAsync(db, ct);
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                // A window row is worth nothing after a minute: losing the last few on a database crash is harmless,
                // so the commit need not wait for the WAL flush (the row is still visible to every dyno at once).
                new NpgsqlBatchCommand("BEGIN"),
                new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"),
                new NpgsqlBatchCommand(LockSql) { Parameters = { new() { Value = LockKey(resourceId, model.Id) } } },
                new NpgsqlBatchCommand(AdmitSql)
                {
                    Parameters =
                    {
                        new() { Value = resourceId }, new() { Value = model.Id }, new() { Value = rpm },
                        new() { Value = (long)(tpm ?? int.MaxValue) }, new() { Value = reserve }, new() { Value = admit },
                    },
                },
                new NpgsqlBatchCommand("COMMIT"),
            },
        };
        int n; long t; double reset; long? id;
        await using (var reader = await batch.ExecuteReaderAsync(ct))
        {
            do { } while (reader.FieldCount != 4 && await reader.NextResultAsync(ct));
            await reader.ReadAsync(ct);
            (n, t, reset, id) = (reader.GetInt32(0), reader.GetInt64(1), reader.GetDouble(2), reader.IsDBNull(3) ? null : reader.GetInt64(3));
            while (await reader.NextResultAsync(ct)) { } // through COMMIT
        }

        var admitted = id is not null;
        var usedRequests = n + (admitted ? 1 : 0);
        var usedTokens = t + (admitted ? reserve : 0);
        double retryAfter = 0;
        if (!admitted && (admit || n >= rpm || t >= tpm))
        {
            retryAfter = n >= rpm ? reset : await TokenWaitAsync(connection, resourceId, model.Id, t, Math.Max(1, reserve), tpm!.Value, ct);
        }
        // After the first admission into an empty window, that admission itself is the oldest event.
        var resetSeconds = n == 0 ? (admitted ? 60 : 0) : reset;
        return new RateDecision(admitted, id, rpm, Math.Max(0, rpm - usedRequests), resetSeconds,
            tpm, tpm is { } l ? Math.Max(0, l - usedTokens) : null, resetSeconds, retryAfter);
    }

    /// <summary>Replaces the admission-time reservation with the tokens the request really used.</summary>
    public static NpgsqlBatchCommand Settle(long eventId, long tokens) =>
        new("UPDATE inference_rate_events SET tokens = $1 WHERE id = $2")
        {
            Parameters = { new() { Value = (int)Math.Min(tokens, int.MaxValue) }, new() { Value = eventId } },
        };

    private static async Task<double> TokenWaitAsync(NpgsqlConnection connection, Guid resourceId, string modelId, long used, int reserve, int tpm, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(TokenWaitSql, connection)
        {
            Parameters = { new() { Value = resourceId }, new() { Value = modelId }, new() { Value = used }, new() { Value = (long)reserve }, new() { Value = (long)tpm } },
        };
        return await cmd.ExecuteScalarAsync(ct) is double s ? s : 60;
    }

    internal static async Task<NpgsqlConnection> OpenAsync(AddonDbContext db, CancellationToken ct)
    {
        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        if (connection.State != ConnectionState.Open) await db.Database.OpenConnectionAsync(ct);
        return connection;
    }

    private int Scaled(int limit) => Math.Max(1, (int)Math.Round(limit * settings.RateLimitScale));

    /// <summary>A 64-bit advisory-lock key for the pair; a collision only serialises two pairs, never miscounts.</summary>
    private static long LockKey(Guid resourceId, string modelId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"inference-rate/{resourceId:N}/{modelId}")));
}
