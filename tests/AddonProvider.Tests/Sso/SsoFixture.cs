using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Sso;

/// <summary>A frozen clock (so window edges are exact) and a salt rotation in progress (current + previous).</summary>
public sealed class SsoFixture : AppFixture
{
    public const string PreviousSalt = "previous-mobiloud-salt-still-accepted";

    public override TimeProvider Clock { get; } = new TestClock(DateTimeOffset.FromUnixTimeSeconds(1_900_000_000));

    public TestClock TestClock => (TestClock)Clock;

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["ADDON_MOBILOUD_SSO_SALT"] = "current-mobiloud-salt-for-tests",
        ["ADDON_MOBILOUD_SSO_SALT_PREVIOUS"] = PreviousSalt,
    };
}
