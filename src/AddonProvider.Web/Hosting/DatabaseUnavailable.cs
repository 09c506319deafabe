using System.Net.Sockets;
using AddonProvider.Web.Errors;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;

namespace AddonProvider.Web.Hosting;

/// <summary>
/// While PostgreSQL is unreachable every answer is a 503 with Retry-After — never a 500 — so Heroku and
/// clients retry. Nothing is cached about the outage: the next request simply tries again, so the service
/// recovers on its own when the database returns.
/// </summary>
public sealed class DatabaseUnavailable(ILogger<DatabaseUnavailable> logger) : IExceptionHandler
{
    public const int RetryAfterSeconds = 5;

    public static bool IsOutage(Exception e) => e switch
    {
        NpgsqlException { IsTransient: true } => true,
        NpgsqlException { InnerException: SocketException or TimeoutException or IOException } => true,
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" or "53300" } => true, // shutdown, crash, starting, too many connections
        TimeoutException => true,
        InvalidOperationException { InnerException: { } inner } => IsOutage(inner), // EF wraps connection failures
        Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: { } inner } => IsOutage(inner),
        _ => e.InnerException is NpgsqlException inner && IsOutage(inner),
    };

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (!IsOutage(exception) || context.Response.HasStarted) return false;
        logger.LogWarning("Database unavailable ({Error}); answering 503", exception.GetType().Name);
        context.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        // Through the problem details service, so /v1 answers in its own error shape.
        await Problems.WriteAsync(context, Failure.Unavailable("The service is briefly unavailable; nothing was changed. Please retry shortly."));
        return true;
    }
}
