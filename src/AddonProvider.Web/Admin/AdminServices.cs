using AddonProvider.Web.Configuration;

namespace AddonProvider.Web.Admin;

public static class AdminServices
{
    public const string OpenApiDocument = "admin";

    public static IServiceCollection AddAdmin(this IServiceCollection services, Settings settings)
    {
        services.AddAdminAuth(settings);
        services.AddScoped<ResourceQueries>();
        services.AddOpenApi(OpenApiDocument, o => o.ShouldInclude = d => d.RelativePath?.StartsWith("admin/", StringComparison.Ordinal) == true);
        return services;
    }

    /// <summary>The operators' surface; every route requires an operator JWT (or, for the jobs dashboard, its cookie).</summary>
    public static void MapAdminEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapAdminSessionEndpoints();
        app.MapAdminResourceEndpoints();
        app.MapAdminAuditEndpoints();
        // GET /admin/openapi/admin.json — the admin API's OpenAPI document, for any operator role.
        app.MapOpenApi("/admin/openapi/{documentName}.json").RequireAuthorization(AdminAuth.AnyRolePolicy);
    }
}
