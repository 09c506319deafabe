using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Security.Mail;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Web.Security;

/// <summary>
/// Sends one batch of an advisory's notifications over one SMTP connection. Per message: mark it `sending`
/// (attempts + 1), hand it to SMTP, mark it `sent` — the `sent` mark rides along with the next message's
/// `sending` mark, one database round trip per message. A crash leaves at most one row `sending` whose message the
/// server may already have; the retry resends it with the same Message-ID. Rows already `sent` are never sent again.
/// </summary>
public sealed class DeliverAdvisoryBatchJob(
    AddonDbContext db, IMailSender sender, AdvisoryEmail email, MailSettings mail, TimeProvider clock, ILogger<DeliverAdvisoryBatchJob> logger) : IJob
{
    public async Task RunAsync(string argument, CancellationToken ct)
    {
        var (advisoryId, batch) = AdvisoryJobs.ParseBatch(argument);
        var advisory = await db.Advisories.AsNoTracking().SingleOrDefaultAsync(a => a.Id == advisoryId, ct);
        if (advisory is not { Status: AdvisoryStatus.Published }) return;
        var parent = advisory.FollowUpOf is { } p ? await db.Advisories.AsNoTracking().SingleOrDefaultAsync(a => a.Id == p, ct) : null;

        await using var conn = new NpgsqlConnection(db.Database.GetConnectionString());
        await conn.OpenAsync(ct);
        // One live sender per batch. The lock belongs to this connection: if this process dies, PostgreSQL drops it
        // with the connection, so the retry on another worker never waits for a lease to expire.
        if (!await TryLockAsync(conn, argument, ct))
            throw new InvalidOperationException($"Batch {argument} is being sent by another worker; this run retries later.");
        try
        {
            await SendBatchAsync(conn, argument, advisory, parent, batch, ct);
        }
        finally
        {
            // Pooled connections keep session locks until reused; release it now.
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock_all()", conn);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task SendBatchAsync(NpgsqlConnection conn, string argument, Advisory advisory, Advisory? parent, int batch, CancellationToken ct)
    {
        var advisoryId = advisory.Id;

        var rows = await db.AdvisoryNotifications.AsNoTracking()
            .Where(n => n.AdvisoryId == advisoryId && n.Batch == batch && (n.Status == NotificationStatus.Pending || n.Status == NotificationStatus.Sending))
            .OrderBy(n => n.Id).ToListAsync(ct);
        if (rows.Count == 0) return;
        var ids = rows.SelectMany(n => n.ResourceIds).Distinct().ToList();
        var resources = await db.Resources.AsNoTracking().Where(r => ids.Contains(r.Id))
            .Select(r => new AdvisoryEmail.AffectedResource(r.Id, r.ProductId, r.PlanSlug, r.Name)).ToDictionaryAsync(r => r.Id, ct);
        // The last gate before mail leaves: only an address that is still a verified contact of an affected resource
        // (view resource_contacts: its owner per the Platform API, its user access list, or a user-scoped SSO login of
        // someone still on that list) is mailed. Notifications whose contact has since gone (a collaborator removed
        // from the app, say) fail with the reason instead.
        var contacts = (await db.Database.SqlQuery<string>(
                    $"SELECT email AS \"Value\" FROM resource_contacts WHERE resource_id = ANY({ids.ToArray()})").ToListAsync(ct))
            .Select(e => e.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);

        var (sent, retryLater, connectionLost) = (0, 0, false);
        long? unrecordedSent = null;
        var session = await sender.OpenAsync(ct);
        try
        {
            foreach (var n in rows)
            {
                if (!contacts.Contains(n.Email.Trim()))
                {
                    await FailAsync(conn, n.Id, "not a verified contact of the affected resources", ct);
                    continue;
                }
                MimeKit.MimeMessage message;
                try
                {
                    var affected = n.ResourceIds.Where(resources.ContainsKey).Select(id => resources[id]).OrderBy(r => r.Name).ToList();
                    message = email.Compose(advisory, parent, n.Email, affected, email.MessageId(advisoryId, n.Id));
                }
                catch (MimeKit.ParseException)
                {
                    await FailAsync(conn, n.Id, "not a valid email address", ct);
                    continue;
                }

                var attempts = await MarkSendingAsync(conn, n.Id, unrecordedSent, ct);
                unrecordedSent = null;
                try
                {
                    await session.SendAsync(message, ct);
                    unrecordedSent = n.Id;
                    sent++;
                }
                catch (MailDeliveryException e)
                {
                    if (e.Permanent || attempts >= mail.MaxAttempts) await FailAsync(conn, n.Id, e.Reason, ct);
                    else { await BackToPendingAsync(conn, n.Id, e.Reason, ct); retryLater++; }
                    if (e.ConnectionLost) { connectionLost = true; break; }
                }
            }
        }
        finally
        {
            if (unrecordedSent is { } last) await MarkSentAsync(conn, last, CancellationToken.None);
            await session.DisposeAsync();
        }
        logger.LogInformation("Advisory batch {Batch}: {Sent} sent, {Retry} to retry", argument, sent, retryLater);
        // Escaping makes Hangfire retry the batch with backoff; rows already sent are skipped then.
        if (retryLater > 0 || connectionLost)
            throw new InvalidOperationException($"Batch {argument}: {retryLater} message(s) hit a transient SMTP failure{(connectionLost ? " and the connection was lost" : "")}; retrying later.");
    }

    private static async Task<bool> TryLockAsync(NpgsqlConnection conn, string argument, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext('advisory.deliver'), hashtext($1))", conn);
        cmd.Parameters.AddWithValue(argument);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<int> MarkSendingAsync(NpgsqlConnection conn, long id, long? previousSent, CancellationToken ct)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        await using var batch = new NpgsqlBatch(conn);
        var sending = new NpgsqlBatchCommand(
            "UPDATE advisory_notifications SET status = $3, attempts = attempts + 1, updated_at = $2 WHERE id = $1 RETURNING attempts");
        sending.Parameters.AddWithValue(id);
        sending.Parameters.AddWithValue(now);
        sending.Parameters.AddWithValue(NotificationStatus.Sending.Stored());
        batch.BatchCommands.Add(sending);
        if (previousSent is { } prev) batch.BatchCommands.Add(SentCommand(prev, now));
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        var attempts = reader.GetInt32(0);
        while (await reader.NextResultAsync(ct)) { } // the previous message's `sent` mark runs in the same round trip
        return attempts;
    }

    private async Task MarkSentAsync(NpgsqlConnection conn, long id, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(conn) { BatchCommands = { SentCommand(id, clock.GetUtcNow().UtcDateTime) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Every `sent` mark is built here, so this is also where delivered notices are counted.</summary>
    private static NpgsqlBatchCommand SentCommand(long id, DateTime now)
    {
        Hosting.Telemetry.NotificationsSent.Add(1, new KeyValuePair<string, object?>("outcome", "sent"));
        var c = new NpgsqlBatchCommand(
            "UPDATE advisory_notifications SET status = $3, sent_at = $2, updated_at = $2, last_error = NULL WHERE id = $1 AND status = $4");
        c.Parameters.AddWithValue(id);
        c.Parameters.AddWithValue(now);
        c.Parameters.AddWithValue(NotificationStatus.Sent.Stored());
        c.Parameters.AddWithValue(NotificationStatus.Sending.Stored());
        return c;
    }

    private Task FailAsync(NpgsqlConnection conn, long id, string reason, CancellationToken ct) =>
        SetAsync(conn, NotificationStatus.Failed, id, reason, ct);

    private Task BackToPendingAsync(NpgsqlConnection conn, long id, string reason, CancellationToken ct) =>
        SetAsync(conn, NotificationStatus.Pending, id, reason, ct);

    private async Task SetAsync(NpgsqlConnection conn, NotificationStatus status, long id, string reason, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE advisory_notifications SET status = $4, last_error = $2, updated_at = $3 WHERE id = $1", conn);
        cmd.Parameters.AddWithValue(id);
        cmd.Parameters.AddWithValue(reason.Length <= 500 ? reason : reason[..500]);
        cmd.Parameters.AddWithValue(clock.GetUtcNow().UtcDateTime);
        cmd.Parameters.AddWithValue(status.Stored());
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
