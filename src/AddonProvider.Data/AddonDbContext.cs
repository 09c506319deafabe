using System.Text;
using AddonProvider.Data.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Data;

public sealed class AddonDbContext(DbContextOptions<AddonDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public const string MigrationsAssembly = "AddonProvider.Migrations";

    public DbSet<Product> Products => Set<Product>();
    public DbSet<Plan> Plans => Set<Plan>();
    public DbSet<InferenceModel> InferenceModels => Set<InferenceModel>();
    public DbSet<Resource> Resources => Set<Resource>();
    public DbSet<Credential> Credentials => Set<Credential>();
    public DbSet<AuditEntry> AuditLog => Set<AuditEntry>();
    public DbSet<SsoUser> SsoUsers => Set<SsoUser>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<SsoTokenUse> SsoTokenUses => Set<SsoTokenUse>();
    public DbSet<MobiLoudApp> MobiLoudApps => Set<MobiLoudApp>();
    public DbSet<MobiLoudSubmission> MobiLoudSubmissions => Set<MobiLoudSubmission>();
    public DbSet<MobiLoudGraphic> MobiLoudGraphics => Set<MobiLoudGraphic>();
    public DbSet<KafkaTopic> KafkaTopics => Set<KafkaTopic>();
    public DbSet<KafkaConsumerGroup> KafkaConsumerGroups => Set<KafkaConsumerGroup>();
    public DbSet<InferenceRateEvent> InferenceRateEvents => Set<InferenceRateEvent>();
    public DbSet<InferenceUsageDay> InferenceUsageDays => Set<InferenceUsageDay>();
    public DbSet<Advisory> Advisories => Set<Advisory>();
    public DbSet<AdvisoryTarget> AdvisoryTargets => Set<AdvisoryTarget>();
    public DbSet<AdvisoryNotification> AdvisoryNotifications => Set<AdvisoryNotification>();
    public DbSet<SecurityReport> SecurityReports => Set<SecurityReport>();
    public DbSet<SecurityReportReply> SecurityReportReplies => Set<SecurityReportReply>();
    public DbSet<SecurityReportMail> SecurityReportMails => Set<SecurityReportMail>();
    public DbSet<KafkaUser> KafkaUsers => Set<KafkaUser>();
    public DbSet<KafkaAcl> KafkaAcls => Set<KafkaAcl>();
    public DbSet<KafkaQuota> KafkaQuotas => Set<KafkaQuota>();
    public DbSet<KafkaClusterTopic> KafkaClusterTopics => Set<KafkaClusterTopic>();
    public DbSet<KafkaClusterGroup> KafkaClusterGroups => Set<KafkaClusterGroup>();
    public DbSet<HerokuToken> HerokuTokens => Set<HerokuToken>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<LogDrain> LogDrains => Set<LogDrain>();
    public DbSet<LogEvent> LogEvents => Set<LogEvent>();
    public DbSet<UsageWarning> UsageWarnings => Set<UsageWarning>();
    public DbSet<UsageStreak> UsageStreaks => Set<UsageStreak>();
    public DbSet<AccessList> AccessLists => Set<AccessList>();
    public DbSet<AccessListEntry> AccessListEntries => Set<AccessListEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(AddonDbContext).Assembly);
        modelBuilder.Entity<DataProtectionKey>().ToTable("data_protection_keys");
        modelBuilder.HasSequence<long>("security_report_numbers"); // SR-<year>-<number>

        foreach (var entity in modelBuilder.Model.GetEntityTypes())
        {
            foreach (var property in entity.GetProperties())
            {
                // xmin is PostgreSQL's system column behind IsRowVersion(); it keeps its name.
                if (property.GetColumnName() != "xmin")
                    property.SetColumnName(SnakeCase(property.Name));
            }
            foreach (var key in entity.GetKeys()) key.SetName(SnakeCase(key.GetName()!));
            foreach (var fk in entity.GetForeignKeys()) fk.SetConstraintName(SnakeCase(fk.GetConstraintName()!));
            foreach (var index in entity.GetIndexes()) index.SetDatabaseName(SnakeCase(index.GetDatabaseName()!));
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every timestamp is timestamptz in UTC.
        configurationBuilder.Properties<DateTime>().HaveColumnType("timestamp with time zone");
    }

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                if (i > 0 && name[i - 1] != '_' && (char.IsLower(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1]))))
                    sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
