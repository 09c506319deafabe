using AddonProvider.Web.Configuration;
using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.Heroku;

public static class HerokuServices
{
    /// <summary>Who we are when we call Heroku; the process id tells apart workers in logs and in the simulator.</summary>
    public static readonly string UserAgent = $"AddonProvider/1.0 (pid {Environment.ProcessId})";

    /// <summary>The OAuth and Platform API clients and their jobs.</summary>
    public static IServiceCollection AddHeroku(this IServiceCollection services, Settings settings)
    {
        var options = HerokuOptions.From(settings);
        services.AddSingleton(options);
        services.AddSingleton(sp => OAuthClientSecrets.From(settings, sp.GetServices<Catalog.ProductInfo>()));
        services.AddTransient<HerokuRetryHandler>();
        services.AddScoped<HerokuTokens>();

        services.AddHttpClient<HerokuOAuthClient>(c =>
            {
                c.BaseAddress = options.IdUrl;
                c.Timeout = TimeSpan.FromSeconds(30);
                c.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            .AddHttpMessageHandler<HerokuRetryHandler>()
            // The factory's logging writes method and URI (ids only); header values would carry bearer tokens.
            .RedactLoggedHeaders(_ => true);
        services.AddHttpClient<PlatformApiClient>(c =>
            {
                c.BaseAddress = options.ApiUrl;
                c.Timeout = TimeSpan.FromSeconds(100);
                c.DefaultRequestHeaders.Accept.ParseAdd(PlatformApiClient.Accept);
                c.DefaultRequestHeaders.UserAgent.ParseAdd(UserAgent);
            })
            .AddHttpMessageHandler<HerokuRetryHandler>()
            .RedactLoggedHeaders(_ => true);

        services.AddJob<ExchangeGrantJob>(JobKinds.ExchangeGrant);
        services.AddJob<RefreshOwnerEmailJob>(JobKinds.RefreshOwnerEmail);
        services.AddJob<RefreshStaleOwnerEmailsJob>(JobKinds.RefreshStaleOwnerEmails);
        services.AddRecurringJob(JobKinds.RefreshStaleOwnerEmails, "40 3 * * *"); // daily
        services.AddJob<RefreshAccessListJob>(JobKinds.RefreshAccessList);
        services.AddJob<RefreshStaleAccessListsJob>(JobKinds.RefreshStaleAccessLists);
        services.AddRecurringJob(JobKinds.RefreshStaleAccessLists, "*/15 * * * *");
        return services;
    }
}
