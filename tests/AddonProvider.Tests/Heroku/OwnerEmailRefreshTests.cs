using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Jobs;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Heroku;

/// <summary>The daily heroku.refresh-stale-owner-emails job, against the simulated Platform API.</summary>
public sealed class OwnerEmailRefreshTests(HerokuFixture app) : IClassFixture<HerokuFixture>
{
    private async Task<Resource> ResourceAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.Resources.AsNoTracking().SingleAsync(r => r.Id == id);
    }

    private async Task SetRefreshedAsync(Guid id, DateTime? at, bool forgetEmail = false)
    {
        await using var db = app.Db();
        await db.Resources.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerEmailRefreshedAt, at));
        if (forgetEmail) await db.Resources.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerEmail, (string?)null));
    }

    private async Task<List<(string Kind, string Argument)>> OutboxSinceAsync(long id)
    {
        await using var db = app.Db();
        return (await db.Outbox.AsNoTracking().Where(m => m.Id > id).OrderBy(m => m.Id).Select(m => new { m.Kind, m.Argument }).ToListAsync())
            .Select(m => (m.Kind, m.Argument)).ToList();
    }

    private async Task<long> LastOutboxIdAsync()
    {
        await using var db = app.Db();
        return await db.Outbox.MaxAsync(m => (long?)m.Id) ?? 0;
    }

    [Fact]
    public async Task StaleOwnerEmails_AreReadAgainFromHeroku_FreshOnesAreLeftAlone_AndASecondRunDoesNothing()
    {
        var stale = await app.ProvisionWithTokensAsync();
        var neverRead = await app.ProvisionWithTokensAsync();
        var fresh = await app.ProvisionWithTokensAsync();
        var gone = await app.ProvisionWithTokensAsync();
        await (await app.DeprovisionAsync("mobiloud", gone)).ExpectAsync(System.Net.HttpStatusCode.NoContent);

        var now = DateTime.UtcNow;
        await SetRefreshedAsync(stale, now.AddDays(-8));                  // OWNER_EMAIL_MAX_AGE is 7 days
        await SetRefreshedAsync(neverRead, null, forgetEmail: true);      // its first read never succeeded
        await SetRefreshedAsync(fresh, now.AddDays(-6));
        await SetRefreshedAsync(gone, now.AddDays(-8));
        var before = new Dictionary<Guid, Resource>();
        foreach (var id in new[] { stale, neverRead, fresh, gone }) before[id] = await ResourceAsync(id);
        // Every app changed hands on Heroku's side.
        foreach (var id in new[] { stale, neverRead, fresh, gone }) app.Heroku.Addons[id].OwnerEmail = $"new-owner-{id:N}@example.com";
        var outboxMark = await LastOutboxIdAsync();
        var callMark = app.LastCallSeq;

        await app.RunJobAsync(JobKinds.RefreshStaleOwnerEmails, "");

        // One refresh per stale resource, the never-read one first (the oldest need goes first when the batch is full).
        Assert.Equal([(JobKinds.RefreshOwnerEmail, neverRead.ToString()), (JobKinds.RefreshOwnerEmail, stale.ToString())], await OutboxSinceAsync(outboxMark));
        foreach (var id in new[] { stale, neverRead })
            await Eventually(async () => (await ResourceAsync(id)).OwnerEmail == $"new-owner-{id:N}@example.com",
                $"the new owner email of {id} to be stored");

        foreach (var id in new[] { stale, neverRead })
        {
            var refreshed = await ResourceAsync(id);
            Assert.True(refreshed.OwnerEmailRefreshedAt >= now, "the refresh time moves on");
            var calls = app.Heroku.Calls.Where(c => c.Seq > callMark && c.ResourceIs(id, app.Heroku)).OrderBy(c => c.Seq).ToList();
            Assert.Equal([("GET", $"/addons/{id}", 200), ("GET", $"/apps/{app.Heroku.Addons[id].AppId}", 200)], calls.Select(c => (c.Method, c.Path, c.Status)));
        }
        foreach (var id in new[] { fresh, gone })
        {
            var untouched = await ResourceAsync(id);
            Assert.Equal((before[id].OwnerEmail, before[id].OwnerEmailRefreshedAt), (untouched.OwnerEmail, untouched.OwnerEmailRefreshedAt));
            Assert.NotNull(untouched.OwnerEmail);
            Assert.DoesNotContain(app.Heroku.Calls, c => c.Seq > callMark && c.ResourceIs(id, app.Heroku));
        }

        // Run again: nothing is stale any more, so nothing is queued and Heroku hears nothing.
        outboxMark = await LastOutboxIdAsync();
        callMark = app.LastCallSeq;
        var emails = new Dictionary<Guid, (string?, DateTime?)>();
        foreach (var id in new[] { stale, neverRead, fresh, gone }) emails[id] = ((await ResourceAsync(id)).OwnerEmail, (await ResourceAsync(id)).OwnerEmailRefreshedAt);

        await app.RunJobAsync(JobKinds.RefreshStaleOwnerEmails, "");

        Assert.Empty(await OutboxSinceAsync(outboxMark));
        Assert.Equal(callMark, app.LastCallSeq);
        foreach (var id in emails.Keys)
            Assert.Equal(emails[id], ((await ResourceAsync(id)).OwnerEmail, (await ResourceAsync(id)).OwnerEmailRefreshedAt));
    }
}
