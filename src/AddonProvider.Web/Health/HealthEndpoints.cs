using AddonProvider.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Health;

public static class HealthEndpoints
{
    public sealed record HealthStatus(string Status, string? Detail = null);

    public static RouteGroupBuilder MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/health").WithTags("Health");
        group.MapGet("/live", () => TypedResults.Ok(new HealthStatus("live")));
        group.MapGet("/ready", Ready);
        return group;
    }

    /// <summary>Ready means the database answers and carries every migration this build knows.</summary>
    private static async Task<Results<Ok<HealthStatus>, JsonHttpResult<HealthStatus>>> Ready(AddonDbContext db, CancellationToken ct)
    {
        try
        {
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).Count();
            return pending == 0
                ? TypedResults.Ok(new HealthStatus("ready"))
                : TypedResults.Json(new HealthStatus("not_ready", $"{pending} migration(s) not applied; run the release command."), statusCode: 503);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or TimeoutException or InvalidOperationException)
        {
            return TypedResults.Json(new HealthStatus("not_ready", "The database is unreachable."), statusCode: 503);
        }
    }
}
