using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Jobs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AddonProvider.Tests.Catalog;

/// <summary>
/// A fourth add-on that exists only in the tests: one config var, a plan it refuses to move to, jobs after provision and
/// deprovision, and a dashboard page. If provisioning needed to know about it, this could not work without a change in src/.
/// </summary>
public sealed class WidgetsProduct : AddonProduct
{
    public const string Id = "widgets";
    public const string SetUp = "widgets.set-up";
    public const string TearDown = "widgets.tear-down";
    public const string Sealed = "sealed";

    public static readonly ProductInfo Facts = new(Id, "Widgets", ["WIDGETS_URL"], "widgets");

    public static readonly Product CatalogRows = new()
    {
        Id = Id, Name = "Widgets", ConfigVarPrefix = "WIDGETS",
        Plans =
        [
            new Plan { ProductId = Id, Slug = "small", Name = "Small", SortOrder = 0 },
            new Plan { ProductId = Id, Slug = "large", Name = "Large", SortOrder = 1 },
            new Plan { ProductId = Id, Slug = Sealed, Name = "Sealed", SortOrder = 2 },
        ],
    };

    public override ProductInfo Info => Facts;

    public override Failure? Prepare(NewResource provision) =>
        provision.Option("color") is "plaid" ? Failure.Unprocessable("Widgets do not come in plaid.") : null;

    public override IReadOnlyDictionary<string, string> RenderConfig(Resource resource, Credential? credential, string? plaintext = null) =>
        new Dictionary<string, string> { ["WIDGETS_URL"] = $"https://widgets.example.test/{resource.Id:N}/{resource.PlanSlug}" };

    public override string ReadyMessage(Resource resource, string productName) => $"{productName} are ready.";

    public override bool ConfigFollowsPlan => true;

    public override Task<Outcome<bool>> ChangePlanAsync(Resource resource, Plan plan, CatalogSnapshot catalog, CancellationToken ct) =>
        Task.FromResult<Outcome<bool>>(plan.Slug == Sealed ? Failure.Unprocessable("Widgets cannot move to the sealed plan.") : true);

    public override void AfterProvision(AddonDbContext db, NewResource provision, DateTime now) => db.Enqueue(SetUp, provision.Resource.Id.ToString(), now);

    public override void AfterDeprovision(AddonDbContext db, Resource resource, DateTime now) => db.Enqueue(TearDown, resource.Id.ToString(), now);

    /// <summary>The widgets' jobs have nothing to do outside our tables; the outbox rows they are queued by are what the tests check.</summary>
    public sealed class Job : IJob
    {
        public Task RunAsync(string argument, CancellationToken ct) => Task.CompletedTask;
    }

    public static void MapPages(RouteGroupBuilder group) =>
        group.MapGet("/", (HttpContext http) => Results.Content($"<h1>Widgets of {http.Request.RouteValues["id"]}</h1>", "text/html"));
}
