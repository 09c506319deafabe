using AddonProvider.Data;
using AddonProvider.Web.Configuration;
using Microsoft.AspNetCore.DataProtection;

namespace AddonProvider.Web.Secrets;

public static class SecretsServices
{
    /// <summary>The secret box (SECRETS_KEY) and the Data Protection key ring it seals.</summary>
    public static IServiceCollection AddSecrets(this IServiceCollection services, Settings settings)
    {
        services.AddSingleton(SecretBox.From(settings));
        // Cookies (dashboard sessions, operator sessions, antiforgery) must open on every web dyno, so the key ring
        // lives in PostgreSQL; its keys are sealed with SECRETS_KEY there, so a database dump cannot forge sessions.
        services.AddDataProtection().SetApplicationName("addon-provider").PersistKeysToDbContext<AddonDbContext>()
            .ProtectKeysWithSecretBox();
        return services;
    }
}
