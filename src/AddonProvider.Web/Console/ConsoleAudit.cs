using System.Security.Claims;
using AddonProvider.Data;
using AddonProvider.Web.Admin;
using AddonProvider.Web.Audit;

namespace AddonProvider.Web.Console;

/// <summary>Audit rows for what the console does itself (sign-in, sign-out); actions go through services that audit their own.</summary>
public static class ConsoleAudit
{
    public static async Task WriteAsync(HttpContext http, ClaimsPrincipal user, string action, string? method = null)
    {
        var db = http.RequestServices.GetRequiredService<AddonDbContext>();
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().UtcDateTime;
        db.AuditLog.Add(AuditLog.Entry(now, user.Actor(), action, null, requestId: http.TraceIdentifier, detail: method is null ? null : System.Text.Json.JsonSerializer.Serialize(new { method })));
        await db.SaveChangesAsync(http.RequestAborted);
    }
}
