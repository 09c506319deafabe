using AddonProvider.Data;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Web.Inference;

/// <summary>One day of one model's use by a resource, as the dashboard and the admin API show it.</summary>
public sealed record UsageDay(DateOnly Day, string ModelId, long Requests, long PromptTokens, long CompletionTokens, long SearchUnits)
{
    public long Tokens => PromptTokens + CompletionTokens;
}

/// <summary>Per resource, per model, per UTC day counters: written after each served request, read by the dashboard.</summary>
public static class InferenceUsage
{
    private const string UpsertSql = """
        INSERT INTO inference_usage_days (resource_id, model_id, day, requests, prompt_tokens, completion_tokens, search_units)
        VALUES ($1, $2, $3, 1, $4, $5, $6)
        ON CONFLICT (resource_id, model_id, day) DO UPDATE SET
            requests = inference_usage_days.requests + 1,
            prompt_tokens = inference_usage_days.prompt_tokens + excluded.prompt_tokens,
            completion_tokens = inference_usage_days.completion_tokens + excluded.completion_tokens,
            search_units = inference_usage_days.search_units + excluded.search_units
        """;

    /// <summary>
    /// Counts one served request and, for chat, settles its rate-window reservation to the real token count,
    /// in one round trip.
    /// </summary>
    public static async Task RecordAsync(AddonDbContext db, Guid resourceId, string modelId, DateTime utcNow,
        long promptTokens, long completionTokens, long searchUnits, long? rateEventId, CancellationToken ct)
    {
        var connection = await InferenceRateLimiter.OpenAsync(db, ct);
        await using var batch = new NpgsqlBatch(connection);
        // Every request of a resource updates the same counter row; not waiting for the WAL flush keeps that row's
        // lock short. A database crash could lose the last fraction of a second of counts — a usage chart's
        // rounding error, never an admission decision (those are the rate window's).
        batch.BatchCommands.Add(new NpgsqlBatchCommand("BEGIN"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO off"));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(UpsertSql)
        {
            Parameters =
            {
                new() { Value = resourceId }, new() { Value = modelId }, new() { Value = DateOnly.FromDateTime(utcNow) },
                new() { Value = promptTokens }, new() { Value = completionTokens }, new() { Value = searchUnits },
            },
        });
        if (rateEventId is { } id) batch.BatchCommands.Add(InferenceRateLimiter.Settle(id, promptTokens + completionTokens));
        batch.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The last <paramref name="days"/> UTC days up to <paramref name="today"/> (default: today), one row per model
    /// and day that saw use, oldest first. Days without use are absent; a chart fills them with zeros.
    /// </summary>
    public static async Task<IReadOnlyList<UsageDay>> LastDaysAsync(AddonDbContext db, Guid resourceId, int days, DateOnly? today = null, CancellationToken ct = default)
    {
        var last = today ?? DateOnly.FromDateTime(DateTime.UtcNow);
        var first = last.AddDays(-(Math.Max(1, days) - 1));
        return await db.InferenceUsageDays.AsNoTracking()
            .Where(u => u.ResourceId == resourceId && u.Day >= first && u.Day <= last)
            .OrderBy(u => u.Day).ThenBy(u => u.ModelId)
            .Select(u => new UsageDay(u.Day, u.ModelId, u.Requests, u.PromptTokens, u.CompletionTokens, u.SearchUnits))
            .ToListAsync(ct);
    }
}
