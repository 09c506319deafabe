using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Hosting;

namespace AddonProvider.Tests.Hosting;

public sealed class TelemetryTests(AppFixture app) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task Provision_RecordsLatencyByProductAndOutcome()
    {
        var seen = new ConcurrentBag<(string Product, int Status)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == Telemetry.Name && instrument.Name == "addon.provision.duration") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            string? product = null; int status = 0;
            foreach (var t in tags)
            {
                if (t.Key == "product") product = (string?)t.Value;
                if (t.Key == "status") status = (int)t.Value!;
            }
            if (value >= 0 && product is not null) seen.Add((product, status));
        });
        listener.Start();

        await app.ProvisionOkAsync("kafkacluster", "free");
        await app.ProvisionAsync("kafkacluster", "no-such-plan");

        Assert.Contains(("kafkacluster", 200), seen);
        Assert.Contains(("kafkacluster", 422), seen);
    }
}
