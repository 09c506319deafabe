using AddonProvider.Tests.Infrastructure;

namespace AddonProvider.Tests.Operators;

/// <summary>The web-only app with its SMTP listener (AdminFixture), and a low failure limit so throttling shows quickly.</summary>
public sealed class OperatorsFixture : AdminFixture
{
    public const int FailureLimit = 5;

    protected override IDictionary<string, string?> Settings
    {
        get
        {
            var settings = base.Settings;
            settings["AUTH_FAILURE_LIMIT"] = FailureLimit.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return settings;
        }
    }
}
