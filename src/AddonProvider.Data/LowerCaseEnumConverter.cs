using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AddonProvider.Data;

/// <summary>Stores enums as lower-case text (`provisioned`), the way Heroku and our SQL spell states.</summary>
public sealed class LowerCaseEnumConverter<T>() : ValueConverter<T, string>(
    v => v.ToString().ToLowerInvariant(),
    s => Enum.Parse<T>(s, true))
    where T : struct, Enum;
