using AddonProvider.Data;
using AddonProvider.Web.Configuration;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;

namespace AddonProvider.Web.Jobs;

public static class JobsServices
{
    /// <summary>
    /// Hangfire on our PostgreSQL. Storage is registered explicitly (not through Hangfire's global
    /// JobStorage.Current) so several hosts in one process — the test suite — never share one by accident.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services, Settings settings, Roles roles)
    {
        var options = JobsOptions.From(settings);
        services.AddSingleton(options);
        var connectionString = DatabaseUrl.ToConnectionString(settings.Get("DATABASE_URL", PlatformServices.DevDatabaseUrl), maxPoolSize: options.PoolSize);
        var storageOptions = new PostgreSqlStorageOptions
        {
            SchemaName = "hangfire",
            PrepareSchemaIfNecessary = false, // the release-phase migrator installs it
            QueuePollInterval = options.QueuePollInterval,
            InvisibilityTimeout = options.InvisibilityTimeout,
            UseSlidingInvisibilityTimeout = true,
            EnableLongPolling = true,
        };
        services.AddSingleton<JobStorage>(new PostgreSqlStorage(new NpgsqlConnectionFactory(connectionString, storageOptions), storageOptions));
        // Likewise the activator: AddHangfire would fall back to the process-wide JobActivator.Current, which the
        // last host to start overwrites, and one host's worker would then run jobs with another's services.
        services.AddSingleton<JobActivator>(sp => new Hangfire.AspNetCore.AspNetCoreJobActivator(sp.GetRequiredService<IServiceScopeFactory>()));
        services.AddHangfire((sp, c) => c
            .UseLogProvider(new HangfireLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings());
        services.AddScoped<JobRunner>();

        if (roles.HasFlag(Roles.Worker))
        {
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = options.WorkerCount;
                o.SchedulePollingInterval = options.QueuePollInterval;
                o.ShutdownTimeout = TimeSpan.FromSeconds(25); // inside Heroku's 30 s SIGTERM grace
            });
            services.AddSingleton<OutboxDispatcher>();
            services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
            services.AddHostedService<RecurringJobs>();
            services.AddHostedService<IdleMemoryTrim>();
        }
        services.AddSingleton(RetentionOptions.From(settings));
        services.AddSingleton<Pseudonymiser>();
        services.AddJob<RetentionPurgeJob>(JobKinds.PurgeDeprovisioned);
        services.AddRecurringJob(JobKinds.PurgeDeprovisioned, "17 * * * *"); // hourly
        services.AddJob<SealKeyRingJob>(JobKinds.SealKeyRing);
        return services;
    }

    /// <summary>Runs <paramref name="kind"/> on a cron schedule (worker processes register it with Hangfire at start-up).</summary>
    public static IServiceCollection AddRecurringJob(this IServiceCollection services, string kind, string cron) =>
        services.AddSingleton(new RecurringJob(kind, cron));

    /// <summary>Registers a job class under its kind; the outbox and Hangfire refer to it by that kind only.</summary>
    public static IServiceCollection AddJob<TJob>(this IServiceCollection services, string kind) where TJob : class, IJob =>
        services.AddKeyedScoped<IJob, TJob>(kind);
}
