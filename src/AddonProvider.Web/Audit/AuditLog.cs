using AddonProvider.Data.Entities;

namespace AddonProvider.Web.Audit;

/// <summary>Builds audit rows; callers add them to the same unit of work as the change they describe.</summary>
public static class AuditLog
{
    public static AuditEntry Entry(
        DateTime at, string actor, string action, Resource? resource,
        string? before = null, string? after = null, string? requestId = null, string? detail = null) => new()
    {
        At = at,
        Actor = actor,
        Action = action,
        ResourceId = resource?.Id,
        ProductId = resource?.ProductId,
        Before = before,
        After = after,
        RequestId = requestId,
        Detail = detail,
    };
}
