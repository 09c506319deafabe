using AddonProvider.Data.Catalog;
using AddonProvider.Data.Entities;
using AddonProvider.Web.Catalog;
using AddonProvider.Web.Errors;

namespace AddonProvider.Web.Inference;

/// <summary>Which model a request names, and whether the caller's key may call it on this endpoint.</summary>
public static class ModelAccess
{
    public static (InferenceModel? Model, Failure? Error) Resolve(CatalogSnapshot catalog, InferenceCaller caller, string modelId, ModelKind endpointKind)
    {
        if (catalog.Model(modelId) is not { } model)
            return (null, Failure.NotFound($"model not found: there is no model '{Shorten(modelId)}'."));

        var plan = catalog.Plan(CatalogDefinition.Inference, caller.PlanSlug);
        // A per-model plan may call its model only; `standard` may call every model of the resource's region.
        var allowed = plan?.ModelId is { } bound ? bound == model.Id : plan is not null && model.Regions.Contains(caller.Region);
        if (!allowed)
            return (null, Failure.Forbidden($"This key has no access to the model {model.Id}."));

        if (model.Kind != endpointKind)
            return (null, Failure.BadRequest(model.Kind == ModelKind.Rerank
                ? $"{model.Id} is a rerank model; call /v1/rerank with it."
                : $"{model.Id} is a chat model; call /v1/chat/completions with it."));
        return (model, null);
    }

    /// <summary>The models of <paramref name="kind"/> this caller's plan covers: its one model, or (standard) every model of its region.</summary>
    public static IReadOnlyList<InferenceModel> Usable(CatalogSnapshot catalog, InferenceCaller caller, ModelKind kind)
    {
        var plan = catalog.Plan(CatalogDefinition.Inference, caller.PlanSlug);
        if (plan is null) return [];
        if (plan.ModelId is { } bound) return catalog.Model(bound) is { } m && m.Kind == kind ? [m] : [];
        return catalog.ModelsIn(caller.Region).Where(m => m.Kind == kind).ToList();
    }

    private static string Shorten(string s) => s.Length <= 80 ? s : s[..80] + "…";
}
