using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.UsageWarnings;

public static class UsageWarningServices
{
    public static IServiceCollection AddUsageWarnings(this IServiceCollection services) =>
        services.AddJob<UsageWarningEmailJob>(UsageLimits.EmailJobKind);
}
