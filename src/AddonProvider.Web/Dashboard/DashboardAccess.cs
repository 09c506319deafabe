using AddonProvider.Data;
using AddonProvider.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// The one gate for changing dashboard requests: <see cref="RefusalAsync"/> returns why this request may not change
/// anything (a 403 page shows the reason), or null. The group filter in <see cref="DashboardEndpoints"/> calls it for
/// every non-GET/HEAD request (every change, credential reveal and rotation is a POST); each rule is one call in it.
/// </summary>
public static class DashboardAccess
{
    /// <summary>Endpoint metadata for a POST that changes nothing of the add-on (a security report to us): any session may send it.</summary>
    public static readonly object AnySession = new AnySessionMarker();

    private sealed class AnySessionMarker;

    public static async ValueTask<string?> RefusalAsync(HttpContext http, Resource resource)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AnySessionMarker>() is not null) return null;
        return await HerokuRoleRefusalAsync(http, resource);
    }

    public const string UnverifiedReason =
        "This session is read-only: Heroku signed you in with an older form of add-on sign-in that does not confirm who you are, " +
        "so nothing can be changed from it. Open the add-on again from your Heroku dashboard to make changes.";

    public const string NotListedReason =
        "This dashboard is read-only for you for now: Heroku has not yet listed you as a collaborator or team member of this app. " +
        "We are checking again with Heroku; reload the page in a minute.";

    public static string ViewOnlyReason(string? app) =>
        $"Your Heroku permission on the app {app ?? "this add-on belongs to"} is view only, so this dashboard is read-only for you: " +
        "you cannot change configuration, reveal or rotate credentials, submit for publishing or create topics. " +
        "Ask the app's owner or a team admin for the deploy, operate or manage permission.";

    /// <summary>
    /// Heroku's roles for this session (Heroku's "roles in add-on SSO dashboards" article): an unverified login is
    /// read-only; a verified one is checked against the resource's user access list when one has been read. Without a
    /// list (no grant, or not read yet) verified users keep full access. Computed once per request.
    /// </summary>
    public static async ValueTask<string?> HerokuRoleRefusalAsync(HttpContext http, Resource resource)
    {
        if (http.Items.TryGetValue(RoleKey, out var cached)) return (string?)cached;
        var reason = await DecideAsync(http, resource);
        http.Items[RoleKey] = reason;
        return reason;
    }

    private static readonly object RoleKey = new();

    private static async Task<string?> DecideAsync(HttpContext http, Resource resource)
    {
        if (!http.User.IsVerified()) return UnverifiedReason;
        var db = http.RequestServices.GetRequiredService<AddonDbContext>();
        var ct = http.RequestAborted;
        var list = await db.AccessLists.AsNoTracking().Where(l => l.ResourceId == resource.Id && l.RefreshedAt != null)
            .Select(l => new { l.AppName }).FirstOrDefaultAsync(ct);
        if (list is null) return null;

        var userId = http.User.UserId() is { Length: > 0 } u ? u : null;
        var email = http.User.UserEmail()?.Trim().ToLowerInvariant();
        var entries = await db.AccessListEntries.AsNoTracking()
            .Where(e => e.ResourceId == resource.Id && ((userId != null && e.HerokuUserId == userId) || (email != null && e.Email.ToLower() == email)))
            .Select(e => new { e.Source, e.Permissions, e.Role }).ToListAsync(ct);
        if (entries.Count == 0) return NotListedReason;
        return entries.Any(e => MayChange(e.Source, e.Permissions, e.Role)) ? null : ViewOnlyReason(list.AppName);
    }

    /// <summary>
    /// Heroku's app permissions are view, deploy, operate and manage: anything beyond view may change the add-on. The
    /// app's owner, and team owners and admins (full access to every team app), always may; a team member, viewer or
    /// collaborator acts through the app permissions their collaborator entry carries, else views only. A collaborator
    /// without any permissions listed is one of a personal app, where Heroku has no granular permissions: full access.
    /// </summary>
    public static bool MayChange(string source, IReadOnlyCollection<string> permissions, string? role) =>
        source == AccessSources.Owner
        || role is "owner" or "admin"
        || (source == AccessSources.Collaborator && (permissions.Count == 0 || permissions.Any(p => p is "deploy" or "operate" or "manage")));
}
