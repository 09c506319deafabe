using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.MobiLoud;

/// <summary>
/// What the MobiLoud native shell reads at start-up: public, keyed by the app's public id (never the Heroku uuid).
/// Served only while the plan is paid; a downgrade to `test` or a deprovision stops the published app at once.
/// </summary>
public static class AppConfigEndpoints
{
    public const string InactiveMessage =
        "This app's MobiLoud service is no longer active. The app owner can re-activate it by choosing a paid plan on Heroku.";

    /// <summary>The same <c>service_inactive</c> answer while an operator has suspended the add-on; a resume restores the config.</summary>
    public const string SuspendedMessage =
        "This app's MobiLoud service is suspended by the operator. The app owner can contact support to have it resumed.";

    public sealed record ServiceInactive(string Error, string Message);

    public sealed record AppConfigResponse(string AppId, string WebsiteUrl, AppMenu Menu, AppColors Colors, AppNotifications Notifications, AppSettings Settings);

    public static RouteGroupBuilder MapMobiLoudAppConfig(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/mobiloud/apps").WithTags("MobiLoud app config");
        group.MapGet("/{appId}/config", GetConfig);
        return group;
    }

    private static async Task<Results<ContentHttpResult, StatusCodeHttpResult, JsonHttpResult<ServiceInactive>, ProblemHttpResult>> GetConfig(
        string appId, HttpContext http, AddonDbContext db, CatalogCache catalog, CancellationToken ct)
    {
        if (appId.Length > 40) return Errors.Failure.NotFound("No app with this id.").ToResult();
        var found = await db.Resources.AsNoTracking()
            .Where(r => r.PublicAppId == appId && r.ProductId == CatalogDefinition.MobiLoud)
            .Select(r => new { r.State, r.PlanSlug, r.SuspendedAt, App = db.MobiLoudApps.FirstOrDefault(a => a.ResourceId == r.Id) })
            .FirstOrDefaultAsync(ct);
        if (found is null) return Errors.Failure.NotFound("No app with this id.").ToResult();
        http.Response.Headers.CacheControl = "no-cache";
        var paid = (await catalog.GetAsync()).Plan(CatalogDefinition.MobiLoud, found.PlanSlug)?.CanPublish == true;
        if (found.State != ResourceState.Provisioned || !paid)
            return TypedResults.Json(new ServiceInactive("service_inactive", InactiveMessage), statusCode: StatusCodes.Status403Forbidden);
        if (found.SuspendedAt is not null)
            return TypedResults.Json(new ServiceInactive("service_inactive", SuspendedMessage), statusCode: StatusCodes.Status403Forbidden);
        if (found.App is null) return Errors.Failure.NotFound("This app has not been configured yet.").ToResult();

        var config = AppConfig.FromJson(found.App.ConfigJson);
        var json = JsonSerializer.Serialize(
            new AppConfigResponse(appId, found.App.WebsiteUrl, config.Menu, config.Colors, config.Notifications, config.Settings), AppConfig.Json);
        var etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..32]}\"";
        http.Response.Headers.ETag = etag;
        if (http.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == etag || t.Trim() == "*")))
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Content(json, "application/json; charset=utf-8");
    }
}
