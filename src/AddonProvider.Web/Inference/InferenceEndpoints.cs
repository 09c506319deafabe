using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;

using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.Inference;

/// <summary>The inference API under INFERENCE_URL (our PUBLIC_BASE_URL): <c>/v1/rerank</c> and <c>/v1/chat/completions</c>.</summary>
public static class InferenceEndpoints
{
    public const string UpstreamClient = "inference-upstream";

    public static bool IsInferencePath(PathString path) => path.StartsWithSegments("/v1");

    public static IServiceCollection AddInference(this IServiceCollection services, Settings settings)
    {
        services.AddProduct<InferenceProduct>(InferenceProduct.Facts, InferenceDashboard.MapPages);
        var inference = InferenceSettings.From(settings);
        services.AddSingleton(inference);
        services.AddSingleton(sp => Hosting.RequestMemoryBudget.From(settings, sp.GetRequiredService<ILoggerFactory>().CreateLogger<Hosting.RequestMemoryBudget>()));
        services.AddSingleton<InferenceKeys>();
        services.AddSingleton<InferenceRateLimiter>();
        services.AddSingleton<RerankBackend>();
        services.AddHostedService<RateWindowCleanup>();
        services.AddSingleton<RateLimitRefusals>();
        services.AddSingleton<RateLimitRefusalFlush>();
        services.AddHostedService(sp => sp.GetRequiredService<RateLimitRefusalFlush>());
        services.AddJob<UsageSampleJob>(UsageSampleJob.Kind);
        services.AddRecurringJob(UsageSampleJob.Kind, "* * * * *");
        services.AddHttpClient(UpstreamClient, c => c.Timeout = Timeout.InfiniteTimeSpan) // our own timeouts: per silence, not per stream
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .RemoveAllLoggers(); // the factory's per-request log scopes sit on the chat latency path; failures are logged by us

        // ProblemDetailsService asks its writers in registration order; ours must come before the problem+json one,
        // or /v1 errors made by the framework (500, 404, 405) and the outage 503 would leave as problem+json.
        services.Insert(0, ServiceDescriptor.Singleton<IProblemDetailsWriter, InferenceProblemWriter>());

        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, InferenceKeyAuthentication>(InferenceKeyAuthentication.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(InferenceKeyAuthentication.Policy, p => p
                .AddAuthenticationSchemes(InferenceKeyAuthentication.SchemeName)
                .RequireAuthenticatedUser());
        return services;
    }

    public static RouteGroupBuilder MapInferenceEndpoints(this IEndpointRouteBuilder app)
    {
        var limit = app.ServiceProvider.GetRequiredService<InferenceSettings>().MaxBodyBytes;
        var group = app.MapGroup("/v1")
            .RequireAuthorization(InferenceKeyAuthentication.Policy)
            // 1,000 rerank documents or a long chat history; the Partner API keeps its own 64 KiB.
            .WithMetadata(new RequestSizeLimitAttribute(limit))
            .WithTags("Inference API");
        group.MapPost("/rerank", RerankEndpoint.Handle);
        group.MapPost("/chat/completions", ChatCompletionsEndpoint.Handle);
        return group;
    }
}
