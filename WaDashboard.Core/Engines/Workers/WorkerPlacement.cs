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
                return new(null, $"There is no server '{requested.Trim()}'. Choose one of: {string.Join(", ", workers.Select(w => w.Id))}.");
            }

            return Refusal(wanted) is { } refused ? new(null, refused) : new(wanted.Id, null);
        }

        var gateways = workers.Where(w => w.IsGateway).ToList();
        if (gateways.Count == 0)
        {
            var local = workers.FirstOrDefault(w => Refusal(w) is null);
            return local is null
                ? new(null, "No engine can take a new account: configure a gateway server under Gateways:Servers or enable the simulator (Engine:Kind).")
                : new(local.Id, null);
        }

        var best = gateways.Where(w => Refusal(w) is null)
            .OrderByDescending(w => w.Free ?? int.MaxValue)
            .ThenByDescending(w => w.Capacity ?? int.MaxValue)
            .ThenBy(w => w.Id, StringComparer.Ordinal)
            .FirstOrDefault();
        return best is not null
            ? new(best.Id, null)
            : new(null, "Every gateway server is full or not answering: "
                + string.Join("; ", gateways.Select(w => $"{w.Id} {Describe(w)}"))
                + ". Raise a server's Gateways:Servers:N:Capacity, add a server, or move accounts away.");
    }

    private static string? Refusal(WorkerLoad worker)
    {
        if (!worker.Reachable)
        {
            return $"Server '{worker.Id}' is not answering; choose another server or try again when it is back.";
        }

        return worker.Free is 0 ? $"Server '{worker.Id}' is full ({worker.Used} of {worker.Capacity} accounts); choose another server or raise its capacity." : null;
    }

    private static string Describe(WorkerLoad worker) =>
        !worker.Reachable ? "(not answering)" : $"({worker.Used}/{worker.Capacity})";
}
