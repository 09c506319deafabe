using AddonProvider.Data;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Errors;

namespace AddonProvider.Web.Catalog;

/// <summary>
/// What a product is before anything runs: its id (the manifest id and Basic-auth user), the name shown to customers,
/// the config vars its manifest declares and where its dashboard starts. The manifest command reads it without a host.
/// </summary>
public sealed record ProductInfo(string Id, string Name, IReadOnlyList<string> ConfigVarNames, string DashboardPath);

/// <summary>A provision about to be committed: the product may refuse it or fill in its own fields of the resource.</summary>
public sealed record NewResource(Resource Resource, Plan Plan, CatalogSnapshot Catalog, Func<string, string?> Option, bool HasGrant);

/// <summary>
/// One add-on's rules: everything that differs between products, behind one type per product registered by its id.
/// Provisioning, credentials, the dashboard and the admin API call these members and never name a product.
/// Hooks that take the <see cref="AddonDbContext"/> run inside the caller's unit of work: follow-up jobs they add as outbox
/// rows commit (or not) with the change that caused them.
/// </summary>
public abstract class AddonProduct
{
    public abstract ProductInfo Info { get; }

    /// <summary>Checks what only this product cares about (a model choice, say) and fills in its fields. Null accepts.</summary>
    public virtual Failure? Prepare(NewResource provision) => null;

    /// <summary>True when this provision answers 202 and a job finishes it through the Platform API.</summary>
    public virtual bool FinishesLater(NewResource provision) => false;

    /// <summary>A new credential for the resource (returning its plaintext once), or null for a product that issues none.</summary>
    public virtual (Credential Row, string Secret)? IssueCredential(Resource resource, DateTime now) => null;

    /// <summary>Whether <see cref="IssueCredential"/> issues one, so there is something to rotate.</summary>
    public virtual bool HasCredentials => false;

    /// <summary>The config vars Heroku sets on the customer's app, from the current credential (or its plaintext, when just issued).</summary>
    public abstract IReadOnlyDictionary<string, string> RenderConfig(Resource resource, Credential? credential, string? plaintext = null);

    /// <summary>The message Heroku shows after a synchronous provision.</summary>
    public abstract string ReadyMessage(Resource resource, string productName);

    /// <summary>Follow-up work of a committed provision (outbox rows on <paramref name="db"/>).</summary>
    public virtual void AfterProvision(AddonDbContext db, NewResource provision, DateTime now) { }

    /// <summary>Follow-up work once the provision's OAuth grant has been exchanged for Platform API tokens.</summary>
    public virtual void AfterGrantExchanged(AddonDbContext db, Resource resource, DateTime now) { }

    /// <summary>
    /// Whether the resource may move to <paramref name="plan"/>; the product may change its own fields of the (locked)
    /// resource. Returns true in the outcome when the change alters the config vars, so Heroku gets them back.
    /// </summary>
    public virtual Task<Outcome<bool>> ChangePlanAsync(Resource resource, Plan plan, CatalogSnapshot catalog, CancellationToken ct) =>
        Task.FromResult<Outcome<bool>>(false);

    /// <summary>Whether a repeated plan change (Heroku retrying a lost answer) hands the config back again.</summary>
    public virtual bool ConfigFollowsPlan => false;

    public virtual void AfterPlanChange(AddonDbContext db, Resource resource, DateTime now) { }

    /// <summary>Follow-up work of a deprovision (or of a failed asynchronous provision): tearing down what lives outside our tables.</summary>
    public virtual void AfterDeprovision(AddonDbContext db, Resource resource, DateTime now) { }

    /// <summary>Before a rotated credential is pushed to Heroku: make it work where it is used (a cluster user, say).</summary>
    public virtual Task BeforeCredentialPushAsync(Resource resource, CancellationToken ct) => Task.CompletedTask;

    /// <summary>A replaced credential stops working wherever this product made it work.</summary>
    public virtual Task RevokeCredentialAsync(Credential credential, CancellationToken ct) => Task.CompletedTask;

    /// <summary>What the admin API shows as the resource's usage, or null for a product that counts none.</summary>
    public virtual Task<object?> UsageAsync(Guid resourceId, DateOnly today, CancellationToken ct) => Task.FromResult<object?>(null);

    /// <summary>What the operators' console shows about the resource beyond the common fields (a pending request, say), or null.</summary>
    public virtual Task<ConsoleNote?> ConsoleNoteAsync(Guid resourceId, CancellationToken ct) => Task.FromResult<ConsoleNote?>(null);
}

/// <summary>A line on the console's resource page, with where to read more (a console path) when there is more.</summary>
public sealed record ConsoleNote(string Title, string Text, string? Href);
