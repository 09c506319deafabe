using AddonProvider.Data;
using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Configuration;
using AddonProvider.Web.Errors;
using AddonProvider.Web.Secrets;

namespace AddonProvider.Web.Inference;

/// <summary>
/// Inference's rules: one API key per resource (looked up by keyed hash), and a model bound by the plan. The standard plan
/// needs no model (each request names its <c>model</c>, as in Heroku's own seed); <c>--model</c> only adds a convenience
/// INFERENCE_MODEL_ID. A plan change may change the model, and with it the config vars.
/// </summary>
public sealed class InferenceProduct(AddonDbContext db, SecretBox secrets, PublicUrls urls) : AddonProduct
{
    public static readonly ProductInfo Facts = new(CatalogDefinition.Inference, "Inference",
        ["INFERENCE_KEY", "INFERENCE_URL", "INFERENCE_MODEL_ID"], "inference");

    /// <summary>How far back the admin API's usage goes, as on the customer's dashboard.</summary>
    public const int UsageDays = 30;

    public override ProductInfo Info => Facts;

    public override bool HasCredentials => true;

    public override Failure? Prepare(NewResource provision)
    {
        var chosen = ChooseModel(provision.Catalog, provision.Plan, provision.Option("model"), provision.Resource.Region);
        if (chosen.Failure is { } failure) return failure;
        provision.Resource.ModelId = chosen.Value;
        return null;
    }

    public override (Credential Row, string Secret)? IssueCredential(Resource resource, DateTime now)
    {
        var key = "inf-" + Tokens.Random(48);
        return (new Credential
        {
            ResourceId = resource.Id, Kind = CredentialKind.InferenceKey, CreatedAt = now,
            SecretCiphertext = secrets.Encrypt(key), LookupHash = secrets.LookupHash(key),
        }, key);
    }

    public override IReadOnlyDictionary<string, string> RenderConfig(Resource resource, Credential? credential, string? plaintext = null)
    {
        var config = new Dictionary<string, string>
        {
            ["INFERENCE_KEY"] = plaintext ?? secrets.Decrypt(credential!.SecretCiphertext),
            ["INFERENCE_URL"] = urls.Root,
        };
        if (resource.ModelId is { } model) config["INFERENCE_MODEL_ID"] = model;
        return config;
    }

    public override string ReadyMessage(Resource resource, string productName) => resource.ModelId is { } model
        ? $"{productName} is ready: your key for {model} is in INFERENCE_KEY."
        : $"{productName} is ready: your key is in INFERENCE_KEY; name a model in each request.";

    // Heroku retries a plan change whose answer it lost: the model (and so the config) may have changed with the first attempt.
    public override bool ConfigFollowsPlan => true;

    public override Task<Outcome<bool>> ChangePlanAsync(Resource resource, Plan plan, CatalogSnapshot catalog, CancellationToken ct)
    {
        var chosen = ChooseModel(catalog, plan, plan.ModelId ?? resource.ModelId, resource.Region);
        if (chosen.Failure is { } failure) return Task.FromResult<Outcome<bool>>(failure);
        var changed = chosen.Value != resource.ModelId;
        resource.ModelId = chosen.Value;
        return Task.FromResult<Outcome<bool>>(changed);
    }

    public override async Task<object?> UsageAsync(Guid resourceId, DateOnly today, CancellationToken ct) =>
        // Per model and day; days without use are absent.
        await InferenceUsage.LastDaysAsync(db, resourceId, UsageDays, today, ct);

    private static Outcome<string?> ChooseModel(CatalogSnapshot snapshot, Plan plan, string? requested, string region)
    {
        if (plan.ModelId is { } bound && requested is not null && requested != bound)
            return Failure.Unprocessable($"The {plan.Slug} plan is bound to the model {bound}; options.model cannot choose another. Use the standard plan to pick a model.");
        var modelId = plan.ModelId ?? requested;
        if (modelId is null) return (string?)null; // the standard plan: every request names its model
        var available = string.Join(", ", snapshot.ModelsIn(region).Select(m => m.Id).Order());
        if (snapshot.Model(modelId) is not { } model)
            return Failure.Unprocessable($"There is no model with that id. Models in region {region}: {available}.");
        if (!model.Regions.Contains(region))
            return Failure.Unprocessable($"The model {model.Id} is only available in {string.Join(" and ", model.Regions)}, not in {region}.");
        return model.Id;
    }
}
