using AddonProvider.Web.Jobs;

namespace AddonProvider.Web.Kafka;

public static class KafkaServices
{
    public static IServiceCollection AddKafka(this IServiceCollection services)
    {
        services.AddScoped<IKafkaClusterAdmin, PostgresKafkaClusterAdmin>();
        services.AddScoped<KafkaClusterSetup>();
        services.AddJob<SetUpKafkaClusterJob>(JobKinds.SetUpKafkaCluster);
        services.AddJob<FinishKafkaProvisioningJob>(JobKinds.FinishKafkaProvisioning);
        services.AddJob<ApplyKafkaQuotasJob>(JobKinds.ApplyKafkaQuotas);
        services.AddJob<TearDownKafkaClusterJob>(JobKinds.TearDownKafkaCluster);
        services.AddJob<SweepKafkaProvisioningJob>(JobKinds.SweepKafkaProvisioning);
        return services;
    }
}
