using System.Diagnostics;
using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web;
using AddonProvider.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AddonProvider.Benchmarks;

/// <summary>
/// Publishes an advisory affecting N resources (one distinct owner email each) and measures the time from the
/// publish commit until every notification is marked sent, through the real path: outbox → Hangfire → resolve job →
/// batch jobs → MailKit → an in-process SMTP sink. Then checks none was lost or doubled. Target: ≥ 300 emails/s at 10,000.
/// </summary>
public sealed class AdvisoryFanOutBenchmark : IBenchmark
{
    public string Name => "advisory-fanout";
    public string Description => "advisory to 10,000 resources via SMTP; target >= 300 emails/s, none lost or doubled";

    public async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 10_000;
        var server = await PostgresServer.GetAsync();
        var connectionString = await server.CreateDatabaseAsync();
        await using var smtp = new SmtpListener();
        var settings = new Dictionary<string, string?>
        {
            ["DATABASE_URL"] = PostgresServer.ToUrl(connectionString),
            ["role"] = "worker",
            ["SMTP_URL"] = smtp.Url,
            ["MAIL_FROM"] = "security@provider.example",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        await using var app = AddonProviderApp.Build(["--urls", "http://127.0.0.1:0", "--environment", "Development"],
            b => b.Configuration.AddInMemoryCollection(settings));

        var ids = new List<Guid>(count);
        await using (var db = NewDb(connectionString))
        {
            var now = DateTime.UtcNow;
            for (var i = 0; i < count; i++)
            {
                var id = Guid.NewGuid();
                ids.Add(id);
                db.Resources.Add(new Resource
                {
                    Id = id, ProductId = "kafkacluster", PlanSlug = "starter", OriginalPlanSlug = "starter", Region = "us",
                    State = ResourceState.Provisioned, OwnerEmail = $"owner{i}@customer.example", CreatedAt = now, UpdatedAt = now, Name = $"app-{i}",
                });
            }
            await db.SaveChangesAsync();
        }
        Console.WriteLine($"inserted {count} resources with distinct owner emails");
        await app.StartAsync();

        Guid advisoryId;
        var clock = Stopwatch.StartNew();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var service = scope.ServiceProvider.GetRequiredService<AdvisoryService>();
            var created = await service.CreateAsync(new AdvisoryInput("Benchmark advisory", "high", ["CVE-2026-0001"], "Summary.",
                "Assess.", "Mitigate.", ["https://example.com"], new AffectedInput(null, ["kafkacluster"], null, null, null, null, null)),
                null, "admin:benchmark", null, CancellationToken.None);
            advisoryId = created.Value!.Id;
            clock.Restart();
            var published = await service.PublishAsync(advisoryId, "admin:benchmark", null, CancellationToken.None);
            if (!published.Value.Published) throw new InvalidOperationException("publish did not publish");
        }

        await using var check = NewDb(connectionString);
        var lastReport = TimeSpan.Zero;
        while (true)
        {
            var sent = await check.AdvisoryNotifications.CountAsync(n => n.AdvisoryId == advisoryId && n.Status == NotificationStatus.Sent);
            if (sent == count) break;
            if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(5))
            {
                lastReport = clock.Elapsed;
                Console.WriteLine($"  {clock.Elapsed.TotalSeconds,6:F1}s  sent {sent}");
            }
            if (clock.Elapsed > TimeSpan.FromMinutes(10)) { Console.WriteLine("TIMEOUT after 10 minutes"); return 1; }
            await Task.Delay(50);
        }
        var elapsed = clock.Elapsed;
        await app.StopAsync();

        var accepted = smtp.Accepted.ToList();
        var distinct = accepted.SelectMany(m => m.To).Select(t => t.ToLowerInvariant()).Distinct().Count();
        var rows = await check.AdvisoryNotifications.Where(n => n.AdvisoryId == advisoryId).ToListAsync();
        var rate = count / elapsed.TotalSeconds;
        Console.WriteLine($"recipients:            {count}");
        Console.WriteLine($"batches:               {rows.Select(r => r.Batch).Distinct().Count()} (MAIL_BATCH_SIZE default), SMTP sessions: {smtp.Sessions}");
        Console.WriteLine($"publish -> all sent:   {elapsed.TotalSeconds:F2} s");
        Console.WriteLine($"rate:                  {rate:F0} emails/s (target >= 300)");
        Console.WriteLine($"accepted by SMTP sink: {accepted.Count}, distinct recipients {distinct}");
        Console.WriteLine($"rows sent/attempts=1:  {rows.Count(r => r.Status == NotificationStatus.Sent)}/{rows.Count(r => r.Attempts == 1)}");
        var ok = rate >= 300 && accepted.Count == count && distinct == count && rows.All(r => r.Status == NotificationStatus.Sent && r.Attempts == 1);
        Console.WriteLine(ok ? "RESULT: target met, none lost or doubled" : "RESULT: target MISSED or messages lost/doubled");
        return ok ? 0 : 1;
    }

    private static AddonDbContext NewDb(string connectionString) =>
        new(new DbContextOptionsBuilder<AddonDbContext>().UseNpgsql(connectionString).Options);
}
