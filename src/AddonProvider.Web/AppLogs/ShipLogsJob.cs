using System.Net.Http.Headers;
using System.Text;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.AppLogs;

/// <summary>
/// Recurring (every minute): posts waiting <see cref="LogEvent"/> lines to each resource's Logplex drain in batches and
/// deletes what Logplex accepted. Each drain is shipped under its own row lock (FOR UPDATE SKIP LOCKED), so workers
/// running this at once never send a line twice, and on its own: a drain that fails (refused, unreachable, slow past
/// <see cref="PostTimeout"/>) backs off exponentially up to an hour while every other drain ships. Lines of resources
/// without a drain, and lines that waited longer than <see cref="MaxAge"/>, are dropped: app logs are a live stream.
/// Neither the drain URL nor its credential is ever logged; a failure is recorded as a status code or exception type.
/// </summary>
public sealed class ShipLogsJob(AddonDbContext db, SecretBox secrets, Products products, IHttpClientFactory clients, TimeProvider clock,
    ILogger<ShipLogsJob> logger) : IJob
{
    public const string Kind = "applogs.ship";
    public const string HttpClientName = "logplex";
    public const int BatchSize = 200;
    public const int MaxBatchesPerDrain = 10;
    public static readonly TimeSpan PostTimeout = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromHours(1);

    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var tooOld = now - MaxAge;
        await db.LogEvents.Where(e => e.At < tooOld || !db.LogDrains.Any(d => d.ResourceId == e.ResourceId)).ExecuteDeleteAsync(ct);
        var due = await db.LogDrains.AsNoTracking()
            .Where(d => (d.RetryAt == null || d.RetryAt <= now) && db.LogEvents.Any(e => e.ResourceId == d.ResourceId))
            .OrderBy(d => d.RetryAt).Select(d => d.ResourceId).Take(1000).ToListAsync(ct);
        foreach (var resourceId in due)
        {
            try
            {
                for (var i = 0; i < MaxBatchesPerDrain && await ShipBatchAsync(resourceId, ct) == BatchSize; i++) { }
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                // One drain's trouble (its backoff is already recorded when the post failed) never stops the others.
                logger.LogWarning("Shipping app log lines of {ResourceId} failed: {Error}", resourceId, e.GetType().Name);
            }
        }
    }

    /// <summary>One batch of one drain; answers how many lines Logplex accepted (0 when busy elsewhere, backing off or failed).</summary>
    public async Task<int> ShipBatchAsync(Guid resourceId, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var drain = (await db.LogDrains.FromSql($"SELECT * FROM log_drains WHERE resource_id = {resourceId} FOR UPDATE SKIP LOCKED").ToListAsync(ct)).SingleOrDefault();
        var now = clock.GetUtcNow().UtcDateTime;
        if (drain is null || drain.RetryAt > now) return 0;
        var lines = await db.LogEvents.AsNoTracking().Where(e => e.ResourceId == resourceId).OrderBy(e => e.Id).Take(BatchSize).ToListAsync(ct);
        if (lines.Count == 0) return 0;
        var productId = await db.Resources.Where(r => r.Id == resourceId).Select(r => r.ProductId).SingleAsync(ct);

        var error = await PostAsync(secrets.Decrypt(drain.UrlCiphertext), productId, lines, ct);
        if (error is null)
        {
            var last = lines[^1].Id;
            await db.LogEvents.Where(e => e.ResourceId == resourceId && e.Id <= last).ExecuteDeleteAsync(ct);
            (drain.Failures, drain.RetryAt, drain.LastError) = (0, null, null);
        }
        else
        {
            drain.Failures++;
            drain.RetryAt = now + Backoff(drain.Failures);
            drain.LastError = error;
            logger.LogWarning("App log drain of {ResourceId} refused {Count} lines ({Error}); retrying after {RetryAt:O}", resourceId, lines.Count, error, drain.RetryAt);
        }
        drain.UpdatedAt = now;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return error is null ? lines.Count : 0;
    }

    /// <summary>30 s, 1 min, 2 min … at most an hour.</summary>
    public static TimeSpan Backoff(int failures) =>
        TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, 30 * Math.Pow(2, Math.Min(failures - 1, 20))));

    /// <summary>Null when Logplex accepted the batch; otherwise why not, with nothing of the URL in it.</summary>
    private async Task<string?> PostAsync(string url, string productId, IReadOnlyList<LogEvent> lines, CancellationToken ct)
    {
        var uri = new Uri(url);
        using var request = new HttpRequestMessage(HttpMethod.Post, new UriBuilder(uri) { UserName = "", Password = "" }.Uri);
        if (uri.UserInfo.Length > 0)
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(Uri.UnescapeDataString(uri.UserInfo))));
        var name = products.Info(productId)?.Name ?? productId;
        request.Headers.UserAgent.ParseAdd($"AddonProvider-{new string(name.Where(char.IsAsciiLetterOrDigit).ToArray())}/1.0");
        request.Headers.TryAddWithoutValidation(LogplexFrames.MsgCountHeader, lines.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Content = new ByteArrayContent(LogplexFrames.Body(lines.Select(l => LogplexFrames.Frame(l.At, productId, l.Message))));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(LogplexFrames.ContentType);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(PostTimeout);
        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            return e is OperationCanceledException ? "timed out" : $"{e.GetType().Name} {(e as HttpRequestException)?.HttpRequestError}";
        }
    }
}
