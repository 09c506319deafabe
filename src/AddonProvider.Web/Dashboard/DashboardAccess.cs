using AddonProvider.Data.Entities;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// The one gate for changing dashboard requests (every method but GET and HEAD), called once from the dashboard group's
/// filter: each rule is one named check, and the first that refuses says why on a 403 page. Nothing a page or handler
/// does runs before it, so a refused request changes nothing.
/// </summary>
public static class DashboardAccess
{
    /// <summary>Why this session may not change <paramref name="resource"/> now, or null when it may.</summary>
    public static string? RefusalReason(HttpContext http, Resource resource) =>
        SuspendedRefusal(http, resource);

    /// <summary>A suspended add-on's dashboard is read-only: rotation, reveal, edits and submissions included.</summary>
    private static string? SuspendedRefusal(HttpContext http, Resource resource) =>
        resource.IsSuspended
            ? $"This add-on is suspended by the operator, so nothing can be changed here until it is resumed. {SupportSentence(http)}"
            : null;

    /// <summary>The notice every page of a suspended add-on shows above its title; the operator's reason is shown to the customer.</summary>
    public static Html? SuspensionNotice(HttpContext http, Resource resource) =>
        resource.IsSuspended
            ? H($"""
                <section class="notice suspended" role="alert" id="suspended-notice">
                <h2>This add-on is suspended</h2>
                <p>This add-on is suspended by the operator: {resource.SuspensionReason}</p>
                <p>Its keys and credentials are refused and this dashboard is read-only until it is resumed; your data is kept. {SupportSentence(http)}</p>
                </section>
                """)
            : null;

    // OPERATORS_EMAIL is the team that suspends and resumes; without it (Development) the sentence names no address.
    private static string SupportSentence(HttpContext http) =>
        http.RequestServices.GetRequiredService<IConfiguration>()["OPERATORS_EMAIL"] is { } email && !string.IsNullOrWhiteSpace(email)
            ? $"To resolve it, contact support at {email.Trim()}."
            : "To resolve it, contact support.";
}
