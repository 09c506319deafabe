using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Simulator;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Sso;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Heroku;

/// <summary>The simulated Heroku plus an SMTP server, so the access list can be followed all the way to advisory mail.</summary>
public sealed class AccessListFixture : HerokuFixture
{
    public SmtpListener Smtp { get; } = new();

    protected override IDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["SMTP_URL"] = Smtp.Url,
        ["MAIL_FROM"] = "security@provider.example",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>The user access list (Heroku's article of that name) read from the simulated Platform API, and where it leads.</summary>
public sealed class AccessListTests(AccessListFixture app) : IClassFixture<AccessListFixture>
{
    private static string Email(string who) => $"{who}-{Guid.NewGuid():N}@customer.example";

    private async Task<List<AccessListEntry>> EntriesAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.AccessListEntries.AsNoTracking().Where(e => e.ResourceId == id).OrderBy(e => e.Source).ThenBy(e => e.Email).ToListAsync();
    }

    private async Task<AccessList> ListAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.AccessLists.AsNoTracking().SingleAsync(l => l.ResourceId == id);
    }

    private Task RefreshAsync(Guid id) => app.RunJobAsync(JobKinds.RefreshAccessList, id.ToString());

    private static (string Source, string Email, string Permissions, string? Role, string? UserId) Row(AccessListEntry e) =>
        (e.Source, e.Email, string.Join(",", e.Permissions), e.Role, e.HerokuUserId);

    [Fact]
    public async Task PersonalApp_ListsTheOwnerAndEachCollaboratorWithTheirPermissions()
    {
        var id = await app.ProvisionWithTokensAsync();
        var addon = app.Heroku.Addons[id];
        var (dev, viewer) = (Email("dev"), Email("viewer"));
        addon.Collaborators = [new SimulatedUser(dev, ["view", "deploy"]), new SimulatedUser(viewer, ["view"])];
        var mark = app.LastCallSeq;

        await RefreshAsync(id);

        var owner = new SimulatedUser(addon.OwnerEmail);
        Assert.Equal(
            new[]
            {
                (AccessSources.Collaborator, dev, "deploy,view", (string?)"collaborator", (string?)new SimulatedUser(dev).Id),
                (AccessSources.Collaborator, viewer, "view", "collaborator", new SimulatedUser(viewer).Id),
                (AccessSources.Owner, addon.OwnerEmail, "", "owner", owner.Id),
            }.OrderBy(r => r.Item1).ThenBy(r => r.Item2, StringComparer.Ordinal),
            (await EntriesAsync(id)).Select(Row).OrderBy(r => r.Source).ThenBy(r => r.Email, StringComparer.Ordinal));
        var list = await ListAsync(id);
        Assert.Equal((addon.AppId, addon.AppName, (string?)null, (string?)null), (list.AppId, list.AppName, list.TeamId, list.LastError));
        Assert.NotNull(list.RefreshedAt);
        Assert.Equal(
            [("GET", $"/addons/{id}", 200), ("GET", $"/apps/{addon.AppId}", 200), ("GET", $"/apps/{addon.AppId}/collaborators", 200)],
            app.Heroku.Calls.Where(c => c.Seq > mark).OrderBy(c => c.Seq).Select(c => (c.Method, c.Path, c.Status)));
    }

    [Fact]
    public async Task TeamApp_AddsTheTeamsMembersWithTheirRoles_AndTheOwnerIsTheTeam()
    {
        var id = await app.ProvisionWithTokensAsync("kafkacluster", "starter");
        var addon = app.Heroku.Addons[id];
        var (admin, member) = (Email("admin"), Email("member"));
        var team = new SimulatedTeam($"team-{Guid.NewGuid():N}"[..20], [new SimulatedUser(admin, Role: "admin"), new SimulatedUser(member, Role: "member")]);
        addon.Team = team;
        addon.Collaborators = [new SimulatedUser(member, ["view"], "member")];
        var mark = app.LastCallSeq;

        await RefreshAsync(id);

        Assert.Equal(
            new[]
            {
                (AccessSources.Collaborator, member, "view", (string?)"member"),
                (AccessSources.Owner, team.Email, "", "owner"),
                (AccessSources.TeamMember, admin, "", "admin"),
                (AccessSources.TeamMember, member, "", "member"),
            }.OrderBy(r => r.Item1).ThenBy(r => r.Item2, StringComparer.Ordinal),
            (await EntriesAsync(id)).Select(e => (e.Source, e.Email, string.Join(",", e.Permissions), e.Role)).OrderBy(r => r.Source).ThenBy(r => r.Email, StringComparer.Ordinal));
        var list = await ListAsync(id);
        Assert.Equal((team.Id, team.Name), (list.TeamId, list.TeamName));
        Assert.Contains(app.Heroku.Calls, c => c.Seq > mark && c.Path == $"/teams/{team.Id}/members" && c.Status == 200);
    }

    [Fact]
    public async Task ACollaboratorRemovedFromTheApp_StopsReceivingAdvisories_EvenAfterAVerifiedSsoLogin()
    {
        var id = await app.ProvisionWithTokensAsync("kafkacluster", "starter");
        var addon = app.Heroku.Addons[id];
        var (alice, bob) = (Email("alice"), Email("bob"));
        addon.Collaborators = [new SimulatedUser(alice, ["view", "deploy"]), new SimulatedUser(bob, ["view"])];
        await RefreshAsync(id);
        await app.SsoLoginAsync(id, new SimulatedUser(bob).Id, bob); // bob is also a verified SSO user

        Assert.Equal(new[] { addon.OwnerEmail, alice, bob }.Order(), await AdvisoryRecipientsAsync(id));

        addon.Collaborators = [new SimulatedUser(alice, ["view", "deploy"])];
        await RefreshAsync(id);

        Assert.Equal(new[] { addon.OwnerEmail, alice }.Order(), await AdvisoryRecipientsAsync(id));
    }

    [Theory]
    [InlineData(403, "/collaborators")]
    [InlineData(404, "/addons/")]
    public async Task HerokuRefusingTheRead_KeepsTheLastKnownList_AndMailStillReachesItAndTheOwner(int status, string path)
    {
        var id = await app.ProvisionWithTokensAsync();
        var addon = app.Heroku.Addons[id];
        var alice = Email("alice");
        addon.Collaborators = [new SimulatedUser(alice, ["view", "deploy"])];
        await RefreshAsync(id);
        var before = await ListAsync(id);
        var entries = (await EntriesAsync(id)).Select(Row).ToList();

        addon.Collaborators = []; // Heroku would now say alice is gone, but it refuses to answer
        app.Heroku.FailNext(status, 1, pathContains: path);
        await RefreshAsync(id);

        Assert.Equal(entries, (await EntriesAsync(id)).Select(Row));
        var after = await ListAsync(id);
        Assert.Equal(before.RefreshedAt, after.RefreshedAt);
        Assert.Contains(status.ToString(), after.LastError);
        Assert.True(after.LastAttemptAt > before.LastAttemptAt);
        Assert.Equal(new[] { addon.OwnerEmail, alice }.Order(), await AdvisoryRecipientsAsync(id));

        // Once Heroku answers again, the list follows it.
        await RefreshAsync(id);
        Assert.DoesNotContain(await EntriesAsync(id), e => e.Email == alice);
        Assert.Null((await ListAsync(id)).LastError);
    }

    [Fact]
    public async Task AVerifiedSsoLoginBySomeoneNotOnTheList_HasTheListReadAgain()
    {
        var id = await app.ProvisionWithTokensAsync();
        var carol = Email("carol");
        app.Heroku.Addons[id].Collaborators = [new SimulatedUser(carol, ["view", "deploy"])]; // added on Heroku after our last read
        Assert.DoesNotContain(await EntriesAsync(id), e => e.Email == carol);
        await ReadLongAgoAsync(id);

        await app.SsoLoginAsync(id, new SimulatedUser(carol).Id, carol);

        await Eventually(async () => (await EntriesAsync(id)).Any(e => e.Email == carol), "carol's login to have the access list read again");
    }

    [Fact]
    public async Task LoginsBySomeoneNotOnTheList_AskForAtMostOneReadAMinute()
    {
        var id = await app.ProvisionWithTokensAsync(); // the list was read a moment ago, after the grant exchange
        var dave = Email("dave");
        long mark;
        await using (var db = app.Db()) mark = await db.Outbox.MaxAsync(m => (long?)m.Id) ?? 0;
        async Task<int> ReadsQueuedAsync()
        {
            await using var db = app.Db();
            return await db.Outbox.CountAsync(m => m.Id > mark && m.Kind == JobKinds.RefreshAccessList && m.Argument == id.ToString());
        }

        // The check runs before the login answers, so what it queued is in the outbox by then.
        await app.SsoLoginAsync(id, new SimulatedUser(dave).Id, dave);
        Assert.Equal(0, await ReadsQueuedAsync());

        await ReadLongAgoAsync(id);
        await Task.Delay(1100); // a new second: the simulator signs logins per second, and a second login in the same one is a replay
        await app.SsoLoginAsync(id, new SimulatedUser(dave).Id, dave);
        Assert.Equal(1, await ReadsQueuedAsync());
    }

    /// <summary>Makes the resource's last access-list read older than <see cref="SsoLogin.AccessListRereadAfter"/>.</summary>
    private async Task ReadLongAgoAsync(Guid id)
    {
        await using var db = app.Db();
        var longAgo = DateTime.UtcNow - SsoLogin.AccessListRereadAfter - TimeSpan.FromMinutes(1);
        await db.AccessLists.Where(l => l.ResourceId == id).ExecuteUpdateAsync(s => s.SetProperty(l => l.LastAttemptAt, longAgo));
    }

    [Fact]
    public async Task TheRecurringJob_QueuesStaleListsOnly()
    {
        var stale = await app.ProvisionWithTokensAsync();
        var fresh = await app.ProvisionWithTokensAsync();
        await using (var db = app.Db())
            await db.AccessLists.Where(l => l.ResourceId == stale).ExecuteUpdateAsync(s => s.SetProperty(l => l.LastAttemptAt, DateTime.UtcNow.AddHours(-2)));
        long mark;
        await using (var db = app.Db()) mark = await db.Outbox.MaxAsync(m => (long?)m.Id) ?? 0;

        await app.RunJobAsync(JobKinds.RefreshStaleAccessLists, "");

        await using (var db = app.Db())
        {
            var queued = await db.Outbox.Where(m => m.Id > mark && m.Kind == JobKinds.RefreshAccessList).Select(m => m.Argument).ToListAsync();
            Assert.Contains(stale.ToString(), queued);
            Assert.DoesNotContain(fresh.ToString(), queued);
        }
    }

    /// <summary>Publishes an advisory for this one resource and returns who received it, once the worker has sent it.</summary>
    private async Task<IEnumerable<string>> AdvisoryRecipientsAsync(Guid resourceId)
    {
        using var created = await app.SendAsync(HttpMethod.Post, "/admin/advisories",
            Security.AdvisoryApiTests.Body(new { resourceIds = new[] { resourceId } }, $"Advisory {Guid.NewGuid():N}"));
        var advisory = (await created.ExpectAsync(HttpStatusCode.Created)).GetProperty("id").GetGuid();
        using var published = await app.SendAsync(HttpMethod.Post, $"/admin/advisories/{advisory}/publish");
        await published.ExpectAsync(HttpStatusCode.Accepted);
        await Eventually(async () =>
        {
            using var progress = await app.SendAsync(HttpMethod.Get, $"/admin/advisories/{advisory}/progress");
            var body = await progress.ExpectAsync(HttpStatusCode.OK);
            return body.GetProperty("total").GetInt32() > 0
                && body.GetProperty("sent").GetInt32() + body.GetProperty("failed").GetInt32() == body.GetProperty("total").GetInt32();
        }, $"advisory {advisory} to be delivered");
        await using var db = app.Db();
        return (await db.AdvisoryNotifications.Where(n => n.AdvisoryId == advisory && n.Status == NotificationStatus.Sent).Select(n => n.Email).ToListAsync()).Order();
    }
}
