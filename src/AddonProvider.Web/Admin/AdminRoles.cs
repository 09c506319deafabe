namespace AddonProvider.Web.Admin;

/// <summary>Operator roles, carried in the token's `role` claim (a string or an array).</summary>
public static class AdminRoles
{
    /// <summary>Reads resources and the audit log, rotates credentials, opens the jobs dashboard.</summary>
    public const string Operator = "operator";

    /// <summary>Writes and publishes security advisories, triages security reports.</summary>
    public const string Security = "security";

    public static readonly IReadOnlyList<string> All = [Operator, Security];
}
