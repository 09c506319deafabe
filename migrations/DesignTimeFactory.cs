using AddonProvider.Data;
using Microsoft.EntityFrameworkCore.Design;

namespace AddonProvider.Migrations;

/// <summary>Lets `dotnet ef migrations add` build the model without a running database.</summary>
internal sealed class DesignTimeFactory : IDesignTimeDbContextFactory<AddonDbContext>
{
    public AddonDbContext CreateDbContext(string[] args) =>
        Migrator.CreateContext(DatabaseUrl.ToConnectionString(
            Environment.GetEnvironmentVariable("DATABASE_URL") ?? "Host=localhost;Database=design_time"));
}
