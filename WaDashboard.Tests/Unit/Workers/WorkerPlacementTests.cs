using WaDashboard.Core.Engines.Workers;

namespace WaDashboard.Tests.Unit.Workers;

/// <summary>Where new accounts go: the gateway with the most free capacity that answers; a requested server must exist, answer and have room.</summary>
public sealed class WorkerPlacementTests
{
    private static WorkerLoad Gateway(string id, int capacity, int used, bool reachable = true) => new(id, true, capacity, used, reachable);

    private static readonly WorkerLoad Simulator = new("simulator", false, null, 0, true);

    public static TheoryData<string, WorkerLoad[], string?, string?, string?> Table() => new()
    {
        // case, workers, requested → placed on, error containing
        { "most free wins", [Gateway("a", 10, 2), Gateway("b", 50, 45), Gateway("c", 20, 5)], null, "c", null },
        { "free, not ratio", [Gateway("small", 4, 0), Gateway("big", 100, 90)], null, "big", null },
        { "tie → larger server", [Gateway("a", 10, 5), Gateway("b", 20, 15)], null, "b", null },
        { "tie, same size → id", [Gateway("b", 10, 5), Gateway("a", 10, 5)], null, "a", null },
        { "full servers skipped", [Gateway("a", 10, 10), Gateway("b", 5, 4)], null, "b", null },
        { "unreachable skipped", [Gateway("a", 100, 0, reachable: false), Gateway("b", 5, 4)], null, "b", null },
        { "gateways before the simulator", [Simulator, Gateway("a", 3, 2)], null, "a", null },
        { "simulator when no gateway is configured", [Simulator], null, "simulator", null },
        { "all full", [Simulator, Gateway("a", 2, 2), Gateway("b", 1, 1)], null, null, "a (2/2); b (1/1)" },
        { "all down", [Gateway("a", 2, 0, reachable: false)], null, null, "a (not answering)" },
        { "requested", [Gateway("a", 10, 0), Gateway("b", 10, 9)], "b", "b", null },
        { "requested, any case", [Gateway("waha-1", 10, 0)], "WAHA-1", "waha-1", null },
        { "requested simulator beside gateways", [Simulator, Gateway("a", 10, 0)], "simulator", "simulator", null },
        { "requested full", [Gateway("a", 10, 10), Gateway("b", 10, 0)], "a", null, "'a' is full (10 of 10" },
        { "requested down", [Gateway("a", 10, 0, reachable: false)], "a", null, "'a' is not answering" },
        { "requested unknown", [Simulator, Gateway("a", 10, 0)], "zzz", null, "There is no server 'zzz'. Choose one of: simulator, a" },
        { "nothing configured", [], null, null, "No engine can take a new account" },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Places_by_free_capacity(string name, WorkerLoad[] workers, string? requested, string? expected, string? error)
    {
        var placement = WorkerPlacement.Choose(workers, requested);
        Assert.True(expected == placement.WorkerId, $"{name}: placed on {placement.WorkerId ?? "nothing"} ({placement.Error})");
        if (error is null)
        {
            Assert.Null(placement.Error);
        }
        else
        {
            Assert.Contains(error, placement.Error);
        }
    }

    [Fact]
    public void Filling_three_servers_one_account_at_a_time_keeps_their_free_capacity_level()
    {
        var loads = new[] { Gateway("a", 10, 0), Gateway("b", 20, 0), Gateway("c", 40, 0) };
        var placedOn = new List<string>();
        for (var i = 0; i < 70; i++)
        {
            var placement = WorkerPlacement.Choose(loads, null);
            Assert.True(placement.Placed, placement.Error);
            placedOn.Add(placement.WorkerId!);
            loads = loads.Select(l => l.Id == placement.WorkerId ? l with { Used = l.Used + 1 } : l).ToArray();
            // Once the larger servers came down to the smallest one's free capacity (after 40), all three stay level.
            var free = loads.Select(l => l.Free!.Value).ToArray();
            if (i >= 39)
            {
                Assert.True(free.Max() - free.Min() <= 1, $"after {i + 1}: free {string.Join("/", free)}");
            }
        }

        // The first 20 go to the largest server until it is level with the next one.
        Assert.All(placedOn.Take(20), id => Assert.Equal("c", id));
        Assert.Equal([10, 20, 40], loads.Select(l => l.Used));
        Assert.False(WorkerPlacement.Choose(loads, null).Placed);
    }
}
