using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.AppLogs;
using AddonProvider.Web.Audit;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Secrets;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Web.Provisioning;

public sealed record ProvisionResult(ProvisionResponse Body, bool Accepted);

/// <summary>
/// Provision, plan change and deprovision: the three things Heroku asks of us. This is the protocol only (idempotency,
/// the one transaction, audit, outbox); what differs between add-ons is asked of the resource's <see cref="AddonProduct"/>.
/// </summary>
public sealed class ProvisioningService(AddonDbContext db, CatalogCache catalog, Products products, SecretBox secrets, TimeProvider clock)
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

        var now = clock.GetUtcNow().UtcDateTime;
        var grant = Grant(request.OAuthGrant, now);
        if (grant.Failure is { } badGrant) return badGrant;
        var resource = new Resource
        {
            Id = id, ProductId = productId, PlanSlug = plan.Slug, OriginalPlanSlug = plan.Slug,
            Region = region, HerokuRegion = Truncate(request.Region, 100), Name = Truncate(request.Name, 300),
            CallbackUrl = Truncate(request.CallbackUrl, 500), HerokuId = Truncate(request.HerokuId, 300),
            State = ResourceState.Provisioned, CreatedAt = now, UpdatedAt = now,
        };
        var addon = products.For(productId);
        var provision = new NewResource(resource, plan, snapshot, request.Option, HasGrant: grant.Value is not null);
        if (addon.Prepare(provision) is { } refused) return refused;
        var finishLater = addon.FinishesLater(provision);
        if (finishLater) resource.State = ResourceState.Provisioning;

        var issued = addon.IssueCredential(resource, now);
        db.Resources.Add(resource);
        // Optional: only with `log_input` in the manifest's requires, and never from older callers or Heroku's test tool.
        var logDrain = LogDrains.Add(db, secrets, id, request.LogInputUrl, now);
        if (issued is { Row: var credential }) db.Credentials.Add(credential);
        db.AuditLog.Add(AuditLog.Entry(now, actor, "provision", resource, after: $"{plan.Slug}/{(finishLater ? "provisioning" : "provisioned")}", requestId: requestId,
            detail: $$"""{"region":"{{region}}","oauth_grant":{{(grant.Value is null ? "false" : "true")}},"log_drain":{{(logDrain ? "true" : "false")}}}"""));
        // Follow-up work is outbox rows in this transaction: never a Hangfire enqueue on the request path.
        if (grant.Value is { } g) OAuthGrants.Add(db, secrets, id, g.Code, g.ExpiresAt, now);
        addon.AfterProvision(db, provision, now);

        var repeated = false;
        try
        {
            // One round trip instead of BEGIN…COMMIT: the handful of inserts go out as one Npgsql batch, which
            // PostgreSQL runs as a single implicit transaction (all or nothing), so atomicity is unchanged.
            db.Database.AutoTransactionBehavior = AutoTransactionBehavior.Never;
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation("pk_resources"))
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
        return new ProvisionResult(new ProvisionResponse(id.ToString(), addon.RenderConfig(resource, issued?.Row, issued?.Secret), addon.ReadyMessage(resource, product.Name)), Accepted: false);
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
        // A late retry of a provision whose add-on was removed since: not a conflict, the resource is gone for good.
        if (existing.State == ResourceState.Deprovisioned)
            return Failure.Gone($"The add-on with this uuid was deprovisioned{(existing.PurgedAt is null ? "" : " and its data purged")}; it cannot be provisioned again. Create a new add-on instead.");
        if (existing.OriginalPlanSlug != plan)
            return Failure.Conflict($"A resource with this uuid was already provisioned on the {existing.OriginalPlanSlug} plan; a repeated provision must carry the same plan.");
        if (existing.State is ResourceState.Failed)
            return Failure.Conflict($"The resource with this uuid is {existing.State.ToString().ToLowerInvariant()}; it cannot be provisioned again.");

        var name = (await catalog.GetAsync()).Product(productId)!.Name;
        if (existing.State == ResourceState.Provisioning) return Provisioning(id, name);
        var addon = products.For(productId);
        var credential = await db.CurrentCredentialAsync(id, ct);
        return new ProvisionResult(new ProvisionResponse(id.ToString(), addon.RenderConfig(existing, credential), addon.ReadyMessage(existing, name)), Accepted: false);
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
        var resource = await db.LockResourceAsync(id, productId, ct);
        if (resource is null || resource.State == ResourceState.Deprovisioned)
            return NoSuchResource();

        var addon = products.For(productId);
        if (string.Equals(resource.PlanSlug, request.Plan, StringComparison.Ordinal))
            return new PlanChangeResponse($"Already on the {resource.PlanSlug} plan; nothing changed.",
                addon.ConfigFollowsPlan ? addon.RenderConfig(resource, await db.CurrentCredentialAsync(id, ct)) : null);
        if (snapshot.Plan(productId, request.Plan) is not { } plan)
            return UnknownPlan(snapshot, product, request.Plan);

        var before = resource.PlanSlug;
        var change = await addon.ChangePlanAsync(resource, plan, snapshot, ct);
        if (change.Failure is { } refused) return refused;

        var now = clock.GetUtcNow().UtcDateTime;
        resource.PlanSlug = plan.Slug;
        resource.UpdatedAt = now;
        db.AuditLog.Add(AuditLog.Entry(now, actor, "plan_change", resource, before, plan.Slug, requestId));
        addon.AfterPlanChange(db, resource, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);

        var config = change.Value ? addon.RenderConfig(resource, await db.CurrentCredentialAsync(id, ct)) : null;
        return new PlanChangeResponse($"Plan changed from {before} to {plan.Slug}.", config);
    }

    /// <summary>Revokes access at once; data stays until the retention purge. Repeats succeed.</summary>
    public async Task<Failure?> DeprovisionAsync(string productId, string idText, string actor, string? requestId, CancellationToken ct)
    {
        if (!Guid.TryParse(idText, out var id)) return NoSuchResource();

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var resource = await db.LockResourceAsync(id, productId, ct);
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
        products.For(productId).AfterDeprovision(db, resource, now);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return null;
    }

    private static Failure UnknownPlan(CatalogSnapshot snapshot, Product product, string requested) =>
        Failure.Unprocessable($"{product.Name} has no plan {(IsSlug(requested) ? $"'{requested}'" : "with that name")}. Plans: {string.Join(", ", snapshot.PlansOf(product.Id).Select(p => p.Slug))}.");

    private static Failure NoSuchResource() => Failure.NotFound("No such resource for this add-on.");

    private static bool IsSlug(string s) => s.Length <= 60 && s.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_' or '.');

    private static string? Truncate(string? s, int max) => s is null ? null : s.Length <= max ? s : s[..max];
}
