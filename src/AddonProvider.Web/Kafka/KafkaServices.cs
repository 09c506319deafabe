using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.Kafka;

public static class KafkaServices
{
    /// <summary>The KafkaCluster product: its type, the cluster it administers, its jobs and its dashboard.</summary>
    public static IServiceCollection AddKafka(this IServiceCollection services, Settings settings)
    {
        services.AddProduct<KafkaProduct>(KafkaProduct.Facts, KafkaDashboard.MapPages);
        services.AddSingleton(KafkaBrokers.From(settings));
        services.AddScoped<IKafkaClusterAdmin, PostgresKafkaClusterAdmin>();
        services.AddScoped<KafkaClusterSetup>();
        services.AddScoped<KafkaAdmin>().AddScoped<KafkaDashboard.Loader>();
        services.AddJob<SetUpKafkaClusterJob>(KafkaJobKinds.SetUpCluster);
        services.AddJob<FinishKafkaProvisioningJob>(KafkaJobKinds.FinishProvisioning);
        services.AddJob<ApplyKafkaQuotasJob>(KafkaJobKinds.ApplyQuotas);
        services.AddJob<TearDownKafkaClusterJob>(KafkaJobKinds.TearDownCluster);
        services.AddJob<PushKafkaPrefixJob>(KafkaJobKinds.PushPrefix);
        services.AddJob<SweepKafkaProvisioningJob>(KafkaJobKinds.SweepProvisioning);
        services.AddJob<DisableKafkaUsersJob>(KafkaJobKinds.DisableUsers);
        services.AddJob<EnableKafkaUsersJob>(KafkaJobKinds.EnableUsers);
        services.AddRecurringJob(KafkaJobKinds.SweepProvisioning, "*/10 * * * *"); // every 10 minutes
        return services;
    }
}
