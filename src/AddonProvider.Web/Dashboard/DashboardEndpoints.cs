using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// The <c>/dashboard/{id}</c> group every product's pages hang off. Authorization is declared once here: a session
/// cookie is required, and a session for one resource gets a 404 for anything of another (not a 403, which would
/// confirm that the other resource exists).
/// </summary>
public static class DashboardEndpoints
{
    public static RouteGroupBuilder MapDashboard(this IEndpointRouteBuilder app)
    {
        app.MapGet("/assets/{name}", Assets.Serve).WithTags("Dashboard");
        var group = app.MapGroup("/dashboard/{id:guid}")
            .RequireAuthorization(DashboardSession.Policy)
            .AddEndpointFilter(LoadResourceAsync)
            .WithTags("Dashboard");
        group.MapGet("/", Home);
        return group;
    }

    /// <summary>The resource this request may see; set by the group's filter before any handler runs.</summary>
    public static Resource Resource(this HttpContext http) =>
        http.Items[typeof(Resource)] as Resource ?? throw new InvalidOperationException("Not a dashboard request.");

    private static async ValueTask<object?> LoadResourceAsync(EndpointFilterInvocationContext ctx, EndpointFilterDelegate next)
    {
        var http = ctx.HttpContext;
        if (!Guid.TryParse(http.Request.RouteValues["id"]?.ToString(), out var id))
            return NotFound(http);
        // A link into another resource's dashboard: still a 404 (no hint that it exists), offering the way in through Heroku.
        if (http.User.ResourceId() != id)
            return await DeepLinks.SignInPageAsync(http, StatusCodes.Status404NotFound);
        var db = http.RequestServices.GetRequiredService<AddonDbContext>();
        var resource = await db.Resources.AsNoTracking()
            .FirstOrDefaultAsync(r => r.Id == id && r.State != ResourceState.Deprovisioned && r.State != ResourceState.Failed, http.RequestAborted);
        if (resource is null)
            return Page.Message(http, StatusCodes.Status404NotFound, "Not found", "This add-on is no longer active.");
        http.Items[typeof(Resource)] = resource;
        if (!HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method))
        {
            if (await DashboardAccess.RefusalAsync(http, resource) is { } refusal)
                return Page.Message(http, StatusCodes.Status403Forbidden, "Not allowed", refusal);
        }
        else if (Page.RendersPage(http) && await DashboardAccess.RefusalAsync(http, resource) is { } readOnly)
            Page.MarkReadOnly(http, readOnly); // the page shows why, and its controls are disabled

        return await next(ctx);
    }

    public static ContentHttpResult NotFound(HttpContext http) =>
        Page.Message(http, StatusCodes.Status404NotFound, "Not found", "There is nothing here for this session.");

    /// <summary>Where /sso/login lands: a deep link waiting from before the sign-in (<see cref="DeepLinks"/>), else the product's page.</summary>
    private static RedirectHttpResult Home(HttpContext http, Products products) =>
        TypedResults.Redirect(DeepLinks.TakeReturnPath(http, http.Resource().Id)
            ?? $"/dashboard/{http.Resource().Id}/{products.Info(http.Resource().ProductId)!.DashboardPath}");

    /// <summary>
    /// Each registered product's pages under <c>/dashboard/{id}/{its path}</c>. Every product route also checks the product,
    /// so a session of one product cannot open another product's pages under its own id.
    /// </summary>
    public static void MapProductPages(this RouteGroupBuilder dashboard)
    {
        foreach (var product in dashboard.ServiceProvider().GetServices<ProductRegistration>())
        {
            var productId = product.Info.Id;
            product.MapDashboard(dashboard.MapGroup("/" + product.Info.DashboardPath).AddEndpointFilter(async (ctx, next) =>
                ctx.HttpContext.Resource().ProductId == productId ? await next(ctx) : NotFound(ctx.HttpContext)));
        }
    }

    private static IServiceProvider ServiceProvider(this IEndpointRouteBuilder builder) => builder.ServiceProvider;
}
