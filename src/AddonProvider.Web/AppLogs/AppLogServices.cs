using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.AppLogs;

public static class AppLogServices
{
    /// <summary>Lines for customers' app logs, shipped to Logplex by a recurring job.</summary>
    public static IServiceCollection AddAppLogs(this IServiceCollection services)
    {
        // No request logging on this client: a drain URL's path and the Authorization header are the app's log credential.
        services.AddHttpClient(ShipLogsJob.HttpClientName).RemoveAllLoggers();
        services.AddJob<ShipLogsJob>(ShipLogsJob.Kind);
        services.AddRecurringJob(ShipLogsJob.Kind, "* * * * *");
        return services;
    }
}
