using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Heroku;
using AddonProvider.Web.Jobs;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AddonProvider.Web.Provisioning;

public sealed record ProvisionResult(ProvisionResponse Body, bool Accepted);

/// <summary>Provision, plan change and deprovision: the three things Heroku asks of us.</summary>
public sealed class ProvisioningService(AddonDbContext db, CatalogCache catalog, ConfigVars configVars, SecretBox secrets, TimeProvider clock)
{
    public async Task<Outcome<ProvisionResult>> ProvisionAsync(string productId, ProvisionRequest request, string actor, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Uuid))
            return Failure.BadRequest("uuid is required: Heroku's id for the add-on resource.");
        if (!Guid.TryParse(request.Uuid, out var id))
            return Failure.BadRequest("uuid must be a UUID such as 01234567-89ab-cdef-0123-456789abcdef.");
        if (string.IsNullOrWhiteSpace(request.Plan))
            return Failure.BadRequest("plan is required.");

        var snapshot = await catalog.GetAsync();
        var product = snapshot.Product(productId)!;
        if (snapshot.Plan(productId, request.Plan) is not { } plan)
            return UnknownPlan(snapshot, product, request.Plan);
        if (Regions.Normalize(request.Region) is not { } region)
            return Failure.Unprocessable($"{product.Name} is not available in that region. Supported regions: {Regions.SupportedText}.");

        string? modelId = null;
        if (productId == CatalogDefinition.Inference)
        {
            var chosen = ChooseModel(snapshot, plan, request.Option("model"), region);
            if (chosen.Failure is { } f) return f;
            modelId = chosen.Value;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var grant = Grant(request.OAuthGrant, now);
        if (grant.Failure is { } badGrant) return badGrant;
        // With a grant we can finish a cluster through the Platform API, so Heroku gets a 202 at once.
        var finishLater = grant.Value is not null && productId == CatalogDefinition.KafkaCluster;
        var resource = new Resource
        {
            Id = id, ProductId = productId, PlanSlug = plan.Slug, OriginalPlanSlug = plan.Slug,
            Region = region, HerokuRegion = Truncate(request.Region, 100), Name = Truncate(request.Name, 300),
            CallbackUrl = Truncate(request.CallbackUrl, 500), HerokuId = Truncate(request.HerokuId, 300),
            ModelId = modelId, State = finishLater ? ResourceState.Provisioning : ResourceState.Provisioned, CreatedAt = now, UpdatedAt = now,
            PublicAppId = productId == CatalogDefinition.MobiLoud ? "app_" + Tokens.RandomLower(20) : null,
        };
        var issued = configVars.Issue(resource, now);
        db.Resources.Add(resource);
        if (issued is { Row: var credential }) db.Credentials.Add(credential);
        db.AuditLog.Add(AuditLog.Entry(now, actor, "provision", resource, after: $"{plan.Slug}/{(finishLater ? "provisioning" : "provisioned")}", requestId: requestId,
            detail: $$"""{"region":"{{region}}","oauth_grant":{{(grant.Value is null ? "false" : "true")}}}"""));
        // Follow-up work is one outbox row in this transaction: never a Hangfire enqueue on the request path.
        if (grant.Value is { } g)
        {
            HerokuTokens.AddGrant(db, secrets, id, g.Code, g.ExpiresAt, now);
            db.Enqueue(JobKinds.ExchangeGrant, id.ToString(), now);
        }
        else if (productId == CatalogDefinition.KafkaCluster)
            db.Enqueue(JobKinds.SetUpKafkaCluster, id.ToString(), now);

        var repeated = false;
        try
        {
            // One round trip instead of BEGIN…COMMIT: the handful of inserts go out as one Npgsql batch, which
            // PostgreSQL runs as a single implicit transaction (all or nothing), so atomicity is unchanged.
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "pk_resources" })
        {
            repeated = true;
        }
        finally
        {
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.WhenNeeded;
        }
        if (repeated)
        {
            // Heroku retried (or raced itself): answer exactly as the first time, if it really is the same request.
            db.ChangeTracker.Clear();
            return await RepeatAsync(productId, id, plan.Slug, ct);
        }

        if (finishLater) return Provisioning(id, product.Name);
        return new ProvisionResult(new ProvisionResponse(id.ToString(), configVars.Render(resource, issued?.Row, issued?.Secret), ReadyMessage(product.Name, resource)), Accepted: false);
    }

    private static ProvisionResult Provisioning(Guid id, string productName) =>
        new(new ProvisionResponse(id.ToString(), null, $"{productName} is being set up; its config vars arrive within a few minutes."), Accepted: true);

    /// <summary>The grant code and its expiry; a grant without a code is treated as no grant.</summary>
    private static Outcome<(string Code, DateTime ExpiresAt)?> Grant(OAuthGrant? grant, DateTime now)
    {
        if (string.IsNullOrWhiteSpace(grant?.Code)) return ((string, DateTime)?)null;
        if (grant.Code.Length > 400) return Failure.BadRequest("oauth_grant.code is too long to be a Heroku grant code.");
        var expiresAt = ParseHerokuTime(grant.ExpiresAt) ?? now.AddMinutes(5); // Heroku's grants live about five minutes
        return ((string, DateTime)?)(grant.Code, expiresAt);
    }

    /// <summary>Heroku writes offsets without a colon (2016-03-03T18:01:31-0800).</summary>
    private static DateTime? ParseHerokuTime(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        if (System.Text.RegularExpressions.Regex.IsMatch(text, @"[+-]\d{4}$")) text = text[..^2] + ":" + text[^2..];
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at.UtcDateTime : null;
    }

    private async Task<Outcome<ProvisionResult>> RepeatAsync(string productId, Guid id, string plan, CancellationToken ct)
    {
        var existing = await db.Resources.AsNoTracking().SingleAsync(r => r.Id == id, ct);
        if (existing.ProductId != productId)
            return Failure.Conflict("A resource with this uuid already exists for a different add-on.");
        if (existing.OriginalPlanSlug != plan)
            return Failure.Conflict($"A resource with this uuid was already provisioned on the {existing.OriginalPlanSlug} plan; a repeated provision must carry the same plan.");
        if (existing.State is ResourceState.Deprovisioned or ResourceState.Failed)
            return Failure.Conflict($"The resource with this uuid is {existing.State.ToString().ToLowerInvariant()}; it cannot be provisioned again.");

        var name = (await catalog.GetAsync()).Product(productId)!.Name;
        if (existing.State == ResourceState.Provisioning) return Provisioning(id, name);
        var credential = await CurrentCredentialAsync(id, ct);
        return new ProvisionResult(new ProvisionResponse(id.ToString(), configVars.Render(existing, credential), ReadyMessage(name, existing)), Accepted: false);
    }

    public async Task<Outcome<PlanChangeResponse>> ChangePlanAsync(string productId, string idText, PlanChangeRequest request, string actor, string? requestId, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Plan))
            return Failure.BadRequest("plan is required.");
        if (!Guid.TryParse(idText, out var id))
            return NoSuchResource();

        var snapshot = await catalog.GetAsync();
        var product = snapshot.Product(productId)!;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // The row lock serialises a plan change with concurrent quota-consuming edits (e.g. topic creation).
        var resource = await LockAsync(productId, id, ct);
        if (resource is null || resource.State == ResourceState.Deprovisioned)
            return NoSuchResource();

        if (string.Equals(resource.PlanSlug, request.Plan, StringComparison.Ordinal))
            // Heroku retries a plan change whose answer it lost: an Inference resource's config (its model) may have
            // changed with the first attempt, so the repeat hands it back too.
            return new PlanChangeResponse($"Already on the {resource.PlanSlug} plan; nothing changed.",
                productId == CatalogDefinition.Inference ? configVars.Render(resource, await CurrentCredentialAsync(id, ct)) : null);
        if (snapshot.Plan(productId, request.Plan) is not { } plan)
            return UnknownPlan(snapshot, product, request.Plan);

        var newModel = resource.ModelId;
        if (productId == CatalogDefinition.KafkaCluster && await KafkaOverageAsync(resource.Id, plan, ct) is { } over)
            return Failure.Unprocessable($"Cannot change to the {plan.Slug} plan: this cluster uses more than it allows ({over}). Delete what is over, or choose a larger plan.");
        if (productId == CatalogDefinition.Inference)
        {
            var chosen = ChooseModel(snapshot, plan, plan.ModelId ?? resource.ModelId, resource.Region);
            if (chosen.Failure is { } f) return f;
            newModel = chosen.Value;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var before = resource.PlanSlug;
        var modelChanged = newModel != resource.ModelId;
        resource.PlanSlug = plan.Slug;
        resource.ModelId = newModel;
        resource.UpdatedAt = now;
        db.AuditLog.Add(AuditLog.Entry(now, actor, "plan_change", resource, before, plan.Slug, requestId));
        if (productId == CatalogDefinition.KafkaCluster) db.Enqueue(JobKinds.ApplyKafkaQuotas, id.ToString(), now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        var config = modelChanged ? configVars.Render(resource, await CurrentCredentialAsync(id, ct)) : null;
        return new PlanChangeResponse($"Plan changed from {before} to {plan.Slug}.", config);
    }

    /// <summary>Revokes access at once; data stays until the retention purge. Repeats succeed.</summary>
    public async Task<Failure?> DeprovisionAsync(string productId, string idText, string actor, string? requestId, CancellationToken ct)
    {
        if (!Guid.TryParse(idText, out var id)) return NoSuchResource();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var resource = await LockAsync(productId, id, ct);
        if (resource is null) return NoSuchResource();
        if (resource.State == ResourceState.Deprovisioned) return null;

        var now = clock.GetUtcNow().UtcDateTime;
        var before = resource.State.ToString().ToLowerInvariant();
        resource.State = ResourceState.Deprovisioned;
        resource.DeprovisionedAt = now;
        resource.UpdatedAt = now;
        await db.Credentials.Where(c => c.ResourceId == id && c.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.RevokedAt, now), ct);
        db.AuditLog.Add(AuditLog.Entry(now, actor, "deprovision", resource, before, "deprovisioned", requestId));
        if (productId == CatalogDefinition.KafkaCluster) db.Enqueue(JobKinds.TearDownKafkaCluster, id.ToString(), now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private async Task<Resource?> LockAsync(string productId, Guid id, CancellationToken ct) =>
        // Not composed further: EF would wrap it in a subquery. xmin is a system column, so `*` leaves it out.
        (await db.Resources.FromSql($"SELECT *, xmin FROM resources WHERE id = {id} AND product_id = {productId} FOR UPDATE").ToListAsync(ct))
            .SingleOrDefault();

    private Task<Credential?> CurrentCredentialAsync(Guid resourceId, CancellationToken ct) =>
        db.Credentials.AsNoTracking()
            .Where(c => c.ResourceId == resourceId && c.RevokedAt == null && c.ExpiresAt == null)
            .OrderByDescending(c => c.Id).FirstOrDefaultAsync(ct);

    private async Task<string?> KafkaOverageAsync(Guid resourceId, Plan plan, CancellationToken ct)
    {
        var topics = await db.KafkaTopics.Where(t => t.ResourceId == resourceId)
            .Select(t => new { t.Partitions, t.RetentionHours }).ToListAsync(ct);
        var groups = await db.KafkaConsumerGroups.CountAsync(g => g.ResourceId == resourceId, ct);
        var over = new List<string>();
        if (topics.Count > plan.MaxTopics) over.Add($"{topics.Count} topics, the plan allows {plan.MaxTopics}");
        if (topics.Count > 0 && topics.Max(t => t.Partitions) is var p && p > plan.MaxPartitionsPerTopic)
            over.Add($"a topic with {p} partitions, the plan allows {plan.MaxPartitionsPerTopic} per topic");
        if (topics.Count > 0 && topics.Max(t => t.RetentionHours) is var h && h > plan.MaxRetentionHours)
            over.Add($"a topic retained {h} hours, the plan allows {plan.MaxRetentionHours}");
        if (groups > plan.MaxConsumerGroups) over.Add($"{groups} consumer groups, the plan allows {plan.MaxConsumerGroups}");
        return over.Count == 0 ? null : string.Join("; ", over);
    }

    private static Outcome<string> ChooseModel(CatalogSnapshot snapshot, Plan plan, string? requested, string region)
    {
        if (plan.ModelId is { } bound && requested is not null && requested != bound)
            return Failure.Unprocessable($"The {plan.Slug} plan is bound to the model {bound}; options.model cannot choose another. Use the standard plan to pick a model.");
        var modelId = plan.ModelId ?? requested;
        var available = string.Join(", ", snapshot.ModelsIn(region).Select(m => m.Id).Order());
        if (modelId is null)
            return Failure.Unprocessable($"The standard plan needs a model: pass --model <id>. Models in region {region}: {available}.");
        if (snapshot.Model(modelId) is not { } model)
            return Failure.Unprocessable($"There is no model with that id. Models in region {region}: {available}.");
        if (!model.Regions.Contains(region))
            return Failure.Unprocessable($"The model {model.Id} is only available in {string.Join(" and ", model.Regions)}, not in {region}.");
        return model.Id;
    }

    private static Failure UnknownPlan(CatalogSnapshot snapshot, Product product, string requested) =>
        Failure.Unprocessable($"{product.Name} has no plan {(IsSlug(requested) ? $"'{requested}'" : "with that name")}. Plans: {string.Join(", ", snapshot.PlansOf(product.Id).Select(p => p.Slug))}.");

    private static Failure NoSuchResource() => Failure.NotFound("No such resource for this add-on.");

    private static string ReadyMessage(string productName, Resource resource) => resource.ProductId switch
    {
        CatalogDefinition.MobiLoud => $"{productName} is ready: open it from your Heroku dashboard to build your app.",
        CatalogDefinition.KafkaCluster => $"{productName} is ready: connection details are in the KAFKACLUSTER_* config vars.",
        _ => $"{productName} is ready: your key for {resource.ModelId} is in INFERENCE_KEY.",
    };

    private static bool IsSlug(string s) => s.Length <= 60 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    private static string? Truncate(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
