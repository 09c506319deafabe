using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>The operators' console at /console: server-rendered pages over the same services as the /admin JSON API.</summary>
public static class ConsoleServices
{
    public static IServiceCollection AddConsole(this IServiceCollection services, Settings settings)
    {
        services.AddConsoleAuth(settings);
        services.AddScoped<ConsoleResourceSection, SuspensionSection>();
        services.Insert(0, ServiceDescriptor.Singleton<Microsoft.AspNetCore.Http.IProblemDetailsWriter, ConsoleProblemWriter>());
        return services;
    }

    public static RouteGroupBuilder MapConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapConsoleSignIn();
        app.MapGet("/console/signed-out", (HttpContext http) => ConsolePage.Render(http, "Signed out",
            H($"<p class=\"notice\" id=\"signed-out\">You are signed out. <a href=\"/console\">Sign in again</a>.</p>"))).ExcludeFromDescription();
        var console = app.MapGroup("/console").ExcludeFromDescription();
        console.MapGet("/", Home).RequireAuthorization(ConsoleAuth.AnyRolePolicy);
        console.MapResourcePages();
        app.MapSecurityReportPages();
        console.MapAdvisoryPages();
        console.MapSuspensionPages();
        foreach (var product in app.ServiceProvider.GetServices<ProductRegistration>().Where(p => p.Console is not null))
            product.Console!.Map(console.MapGroup("/" + product.Info.DashboardPath).RequireAuthorization(ConsoleAuth.OperatorPolicy));
        return console;
    }

    private static IResult Home(HttpContext http) =>
        http.User.IsInRole(Admin.AdminRoles.Operator) ? TypedResults.Redirect("/console/resources") : TypedResults.Redirect("/console/advisories");
}
