using AddonProvider.Web.Configuration;
using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.Credentials;

/// <summary>How long a replaced credential keeps working (CREDENTIAL_OVERLAP; Heroku suggests 1–2 hours).</summary>
public sealed record CredentialOptions(TimeSpan Overlap);

public static class CredentialServices
{
    public static IServiceCollection AddCredentialRotation(this IServiceCollection services, Settings settings)
    {
        services.AddSingleton(new CredentialOptions(settings.GetDuration("CREDENTIAL_OVERLAP", TimeSpan.FromHours(2))));
        services.AddScoped<CredentialRotation>();
        services.AddJob<PushRotatedCredentialJob>(JobKinds.PushRotatedCredential);
        services.AddJob<RevokeCredentialJob>(JobKinds.RevokeCredential);
        return services;
    }
}
