namespace AddonProvider.Web.Errors;

/// <summary>A use case's result: a value, or the expected failure that prevented it. An operation with no value returns <c>Failure?</c>.</summary>
public readonly record struct Outcome<T>(T? Value, Failure? Failure)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);
    public static implicit operator Outcome<T>(Failure failure) => new(default, failure);
}
