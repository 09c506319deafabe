using AddonProvider.Simulator;

namespace AddonProvider.Tests.Platform;

/// <summary>The simulator plays Heroku: it knows the provider only over HTTP and by what it is told.</summary>
public class SimulatorBoundaryTests
{
    [Fact]
    public void Simulator_ReferencesNoProjectOfOurs()
    {
        var ours = typeof(HerokuSimulator).Assembly.GetReferencedAssemblies()
            .Select(a => a.Name!)
            .Where(name => name.StartsWith("AddonProvider.", StringComparison.Ordinal))
            .ToList();

        Assert.Empty(ours);
    }

    [Fact]
    public void Simulator_WithoutASecretVariable_SaysWhichVariableAndWhereItComesFrom()
    {
        var e = Assert.Throws<MissingSecretException>(() => AddonSecrets.SsoSalt("nosuchaddon"));

        Assert.Contains("SIMULATOR_NOSUCHADDON_SSO_SALT is not set", e.Message);
        Assert.Contains("manifest nosuchaddon", e.Message);
    }
}
