using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AddonProvider.Benchmarks;

/// <summary>
/// The baseline of provision-vs-bare.sh: the least an endpoint can do for a provision — read the JSON body, insert one row,
/// answer 200 — on the same Kestrel, the same PostgreSQL and under the same wrk script as the real Partner API.
/// No auth, no catalog, no audit, no outbox: the ratio to it is what our protocol costs.
/// </summary>
public sealed class BareInsertServer : IBenchmark
{
    public string Name => "bare-insert-server";
    public string Description => "serves POST /heroku/resources doing one INSERT (baseline for provision-vs-bare.sh); --port P [--ef]";

    public async Task<int> RunAsync(string[] args)
    {
        var port = args.SkipWhile(a => a != "--port").Skip(1).FirstOrDefault() ?? "5080";
        var url = Environment.GetEnvironmentVariable("DATABASE_URL") ?? throw new InvalidOperationException("DATABASE_URL is required");
        await using var source = NpgsqlDataSource.Create(Data.DatabaseUrl.ToConnectionString(url, maxPoolSize: 20));
        await using (var create = source.CreateCommand("CREATE TABLE IF NOT EXISTS bare_provisions (id uuid PRIMARY KEY, plan text NOT NULL, created_at timestamptz NOT NULL)"))
            await create.ExecuteNonQueryAsync();

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        // --ef: the same one insert through a pooled EF Core context, as our data layer does it.
        var ef = args.Contains("--ef");
        if (ef) builder.Services.AddDbContextPool<BareContext>(o => o.UseNpgsql(source));
        var app = builder.Build();
        if (ef)
            app.MapPost("/heroku/resources", async (HttpRequest request, BareContext db) =>
            {
                using var body = await JsonDocument.ParseAsync(request.Body);
                var row = new BareProvision
                {
                    Id = body.RootElement.GetProperty("uuid").GetGuid(), Plan = body.RootElement.GetProperty("plan").GetString()!, CreatedAt = DateTime.UtcNow,
                };
                db.Provisions.Add(row);
                await db.SaveChangesAsync();
                return Results.Json(new { id = row.Id, message = "ok" });
            });
        else
        app.MapPost("/heroku/resources", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            var id = body.RootElement.GetProperty("uuid").GetGuid();
            var plan = body.RootElement.GetProperty("plan").GetString()!;
            await using var insert = source.CreateCommand("INSERT INTO bare_provisions (id, plan, created_at) VALUES ($1, $2, now())");
            insert.Parameters.Add(new NpgsqlParameter { Value = id });
            insert.Parameters.Add(new NpgsqlParameter { Value = plan });
            await insert.ExecuteNonQueryAsync();
            return Results.Json(new { id, message = "ok" });
        });
        await app.RunAsync();
        return 0;
    }
}

public sealed class BareProvision
{
    public Guid Id { get; set; }
    public required string Plan { get; set; }
    public DateTime CreatedAt { get; set; }
}

public sealed class BareContext(DbContextOptions<BareContext> options) : DbContext(options)
{
    public DbSet<BareProvision> Provisions => Set<BareProvision>();

    protected override void OnModelCreating(ModelBuilder b) => b.Entity<BareProvision>(e =>
    {
        e.ToTable("bare_provisions");
        e.Property(x => x.Id).HasColumnName("id");
        e.Property(x => x.Plan).HasColumnName("plan");
        e.Property(x => x.CreatedAt).HasColumnName("created_at");
    });
}
