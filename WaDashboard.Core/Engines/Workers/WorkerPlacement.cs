namespace WaDashboard.Core.Engines.Workers;

/// <summary>One worker as placement sees it: how many accounts it holds, how many it may hold, whether it answers.</summary>
public sealed record WorkerLoad(string Id, bool IsGateway, int? Capacity, int Used, bool Reachable)
{
    public int? Free => Capacity is { } capacity ? Math.Max(0, capacity - Used) : null;
}

public sealed record Placement(string? WorkerId, string? Error)
{
    public bool Placed => WorkerId is not null;
}

/// <summary>
/// Where a new (or moving) account goes. Pure. Without a request, the gateway server with the most free capacity that
/// answers (ties: the larger server, then the id); the simulator only when no gateway is configured. A requested worker
/// must exist, answer and have room.
/// </summary>
public static class WorkerPlacement
{
    public static Placement Choose(IReadOnlyList<WorkerLoad> workers, string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            var wanted = workers.FirstOrDefault(w => string.Equals(w.Id, requested.Trim(), StringComparison.OrdinalIgnoreCase));
            if (wanted is null)
            {
                return new(null, PlacementText.Say("Place.NoSuchServer", requested.Trim(), string.Join(", ", workers.Select(w => w.Id))));
            }

            return Refusal(wanted) is { } refused ? new(null, refused) : new(wanted.Id, null);
        }

        var gateways = workers.Where(w => w.IsGateway).ToList();
        if (gateways.Count == 0)
        {
            var local = workers.FirstOrDefault(w => Refusal(w) is null);
            return local is null
                ? new(null, PlacementText.Say("Place.NoEngine"))
                : new(local.Id, null);
        }

        var best = gateways.Where(w => Refusal(w) is null)
            .OrderByDescending(w => w.Free ?? int.MaxValue)
            .ThenByDescending(w => w.Capacity ?? int.MaxValue)
            .ThenBy(w => w.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        return best is not null
            ? new(best.Id, null)
            : new(null, PlacementText.Say("Place.AllFull", string.Join("; ", gateways.Select(w => $"{w.Id} {Describe(w)}"))));
    }

    private static string? Refusal(WorkerLoad worker)
    {
        if (!worker.Reachable)
        {
            return PlacementText.Say("Place.NotAnswering", worker.Id);
        }

        return worker.Free is 0 ? PlacementText.Say("Place.Full", worker.Id, worker.Used, worker.Capacity) : null;
    }

    private static string Describe(WorkerLoad worker) =>
        !worker.Reachable ? "(not answering)" : $"({worker.Used}/{worker.Capacity})";
}
