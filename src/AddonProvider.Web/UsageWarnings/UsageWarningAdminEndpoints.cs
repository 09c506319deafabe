using System.Text.Json;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Admin;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AddonProvider.Web.UsageWarnings;

/// <summary>`PUT /admin/resources/{id}/usage-warnings` `{"enabled": bool}`: operators turn a resource's usage warnings off (or on again).</summary>
public static class UsageWarningAdminEndpoints
{
    public static RouteGroupBuilder MapAdminUsageWarningEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/admin/resources").RequireAuthorization(AdminAuth.OperatorPolicy).WithTags("Admin: resources");
        group.MapPut("/{id:guid}/usage-warnings", SetAsync)
            .WithSummary("Turns a resource's usage warnings (emails, dashboard banner, app-log line) on or off")
            .Accepts<UsageWarningsRequest>("application/json");
        return group;
    }

    /// <summary>The body, for the OpenAPI document; the handler reads it by hand so each mistake is named.</summary>
    public sealed record UsageWarningsRequest(bool Enabled);

    private static async Task<Results<Ok<UsageWarningsSetting>, ProblemHttpResult>> SetAsync(
        Guid id, HttpContext http, UsageWarningSwitch switcher, CancellationToken ct)
    {
        var body = await JsonBody.ReadAsync<JsonDocument>(http.Request, ct);
        if (body.Failure is { } unreadable) return unreadable.ToResult();
        using var document = body.Value!;
        var json = document.RootElement;
        if (json.ValueKind != JsonValueKind.Object)
            return Failure.BadRequest("The request body must be a JSON object such as {\"enabled\": false}.").ToResult();
        if (!json.TryGetProperty("enabled", out var enabledJson))
            return Failure.Unprocessable("enabled is required: true or false.").ToResult();
        if (enabledJson.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            return Failure.Unprocessable("enabled must be a boolean (true or false).").ToResult();
        var enabled = enabledJson.GetBoolean();

        var outcome = await switcher.SetAsync(id, enabled, http.User.Actor(), http.TraceIdentifier, ct);
        return outcome.Failure is { } f ? f.ToResult() : TypedResults.Ok(outcome.Value!);
    }
}
