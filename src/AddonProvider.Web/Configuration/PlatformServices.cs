using AddonProvider.Data;
using AddonProvider.Web.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AddonProvider.Web.Configuration;

/// <summary>What every feature stands on: settings, the database, time, the catalog.</summary>
public static class PlatformServices
{
    public const string DevDatabaseUrl = "postgres://postgres@127.0.0.1:5433/addonprovider";

    public static IServiceCollection AddPlatform(this IServiceCollection services, Settings settings)
    {
        var connectionString = DatabaseUrl.ToConnectionString(
            settings.Get("DATABASE_URL", DevDatabaseUrl), maxPoolSize: settings.GetInt("DB_POOL_SIZE", 20));
        services.AddDbContextPool<AddonDbContext>(o => o
            .UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(AddonDbContext.MigrationsAssembly)));

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(PublicUrls.From(settings));
        services.AddSingleton<CatalogCache>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull);
        return services;
    }
}
