using System.Diagnostics;
using System.Security.Claims;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AddonProvider.Web.Provisioning;

public static class ProvisioningEndpoints
{
    public const long MaxBodyBytes = 64 * 1024;

    /// <summary>The Partner API: Heroku's Basic auth (each product's secrets) and the provisioning protocol.</summary>
    public static IServiceCollection AddProvisioning(this IServiceCollection services, Settings settings)
    {
        services.AddSingleton(sp => AddonCredentials.From(settings, sp.GetServices<ProductInfo>()));
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, HerokuBasicAuthentication>(HerokuBasicAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(HerokuPartnerAuth.Policy, p => p
                .AddAuthenticationSchemes(HerokuBasicAuthentication.SchemeName)
                .RequireClaim(HerokuBasicAuthentication.ProductClaim));
        return services.AddScoped<ProvisioningService>();
    }

    public static RouteGroupBuilder MapProvisioningEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/heroku/resources")
            .RequireAuthorization(HerokuPartnerAuth.Policy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .RetriedOnOutage() // every operation is idempotent: keyed by Heroku's uuid, or a no-op when repeated
            .WithTags("Heroku Partner API");
        group.MapPost("/", Provision);
        group.MapPut("/{id}", ChangePlan);
        group.MapDelete("/{id}", Deprovision);
        return group;
    }

    private static async Task<Results<Ok<ProvisionResponse>, Accepted<ProvisionResponse>, ProblemHttpResult>> Provision(
        HttpContext http, ProvisioningService service, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var product = http.User.ProductId();
        var (request, error) = await JsonBody.ReadAsync<ProvisionRequest>(http.Request, ct);
        if (error is not null) return Record(error.ToResult(), error.Status);
        var outcome = await service.ProvisionAsync(product, request!, Actor(http.User), http.TraceIdentifier, ct);
        if (outcome.Failure is { } failure) return Record(failure.ToResult(), failure.Status);
        return outcome.Value!.Accepted
            ? Record(TypedResults.Accepted((string?)null, outcome.Value.Body), 202)
            : Record(TypedResults.Ok(outcome.Value.Body), 200);

        T Record<T>(T result, int status)
        {
            Telemetry.ProvisionDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                new KeyValuePair<string, object?>("product", product), new KeyValuePair<string, object?>("status", status));
            return result;
        }
    }

    private static async Task<Results<Ok<PlanChangeResponse>, ProblemHttpResult>> ChangePlan(
        string id, HttpContext http, ProvisioningService service, CancellationToken ct)
    {
        var (request, error) = await JsonBody.ReadAsync<PlanChangeRequest>(http.Request, ct);
        if (error is not null) return error.ToResult();
        var outcome = await service.ChangePlanAsync(http.User.ProductId(), id, request!, Actor(http.User), http.TraceIdentifier, ct);
        return outcome.Failure is { } failure ? failure.ToResult() : TypedResults.Ok(outcome.Value);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Deprovision(
        string id, HttpContext http, ProvisioningService service, CancellationToken ct)
    {
        var failure = await service.DeprovisionAsync(http.User.ProductId(), id, Actor(http.User), http.TraceIdentifier, ct);
        return failure is null ? TypedResults.NoContent() : failure.ToResult();
    }

    private static string Actor(ClaimsPrincipal user) => user.Identity?.Name ?? "heroku";
}
