using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.UsageWarnings;

public static class UsageWarningServices
{
    public static IServiceCollection AddUsageWarnings(this IServiceCollection services) => services
        .AddScoped<UsageWarningSwitch>()
        .AddScoped<Console.ConsoleResourceSection, UsageWarningConsoleSection>()
        .AddJob<UsageWarningEmailJob>(UsageLimits.EmailJobKind);
}
