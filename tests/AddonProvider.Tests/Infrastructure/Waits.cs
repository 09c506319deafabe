namespace AddonProvider.Tests.Infrastructure;

/// <summary>
/// The one way a test waits (imported everywhere with <c>using static</c>): for a condition to hold, or for an event
/// to happen. Either it happens, or the test fails naming what it waited for — never a wait that just ends.
/// A test that "nothing happened" should not wait at all: it drives the mechanism once itself and then looks.
/// </summary>
public static class Waits
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Polls <paramref name="condition"/> until it holds. <paramref name="because"/> names what is awaited ("the grant
    /// to be exchanged"); <paramref name="state"/>, when given, runs at the timeout so the failure shows where things stood.
    /// </summary>
    public static async Task Eventually(Func<Task<bool>> condition, string because, TimeSpan? timeout = null, Func<Task<string>>? state = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for {because}{(state is null ? "" : $"; state then: {await state()}")}");
            await Task.Delay(PollInterval);
        }
    }

    /// <summary>As above, for a condition on in-memory state (the simulator's recorded calls, say).</summary>
    public static Task Eventually(Func<bool> condition, string because, TimeSpan? timeout = null, Func<string>? state = null) =>
        Eventually(() => Task.FromResult(condition()), because, timeout, state is null ? null : () => Task.FromResult(state()));

    /// <summary>Awaits an event (a task some callback completes); fails naming it if it does not happen in time.</summary>
    public static async Task Eventually(Task happening, string because, TimeSpan? timeout = null, Func<string>? state = null)
    {
        var limit = timeout ?? DefaultTimeout;
        if (await Task.WhenAny(happening, Task.Delay(limit)) != happening)
            Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for {because}{(state is null ? "" : $"; state then: {state()}")}");
        await happening;
    }

    /// <summary>As above, handing back the event's value.</summary>
    public static async Task<T> Eventually<T>(Task<T> happening, string because, TimeSpan? timeout = null, Func<string>? state = null)
    {
        await Eventually((Task)happening, because, timeout, state);
        return await happening;
    }
}
