using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AddonProvider.Data;

/// <summary>Stores enums as lower-case text (`provisioned`), the way Heroku and our SQL spell states.</summary>
public sealed class LowerCaseEnumConverter<T>() : ValueConverter<T, string>(
    v => v.Stored(),
    s => Enum.Parse<T>(s, true))
    where T : struct, Enum;

public static class StoredEnum
{
    /// <summary>
    /// The text a state is stored as. Hand-written SQL passes it as a parameter (<c>WHERE state = {ResourceState.Deprovisioned.Stored()}</c>)
    /// rather than spelling <c>'deprovisioned'</c>, so a renamed state cannot leave a query silently matching nothing.
    /// </summary>
    public static string Stored<T>(this T value) where T : struct, Enum => value.ToString().ToLowerInvariant();
}
