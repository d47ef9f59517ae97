using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Engines.Workers;

/// <summary>
/// Why no server can take an account (<see cref="WorkerPlacement"/>): the answer to adding or moving one. The REST API
/// and the logs keep the English; the supervisor's answers include these entries, so the console says them in the
/// person's language with the server names as data.
/// </summary>
public static class PlacementText
{
    public static IReadOnlyList<(string Code, string Template)> Entries { get; } =
    [
        ("Place.NoSuchServer", "There is no server '{0}'. Choose one of: {1}."),
        ("Place.NoEngine", "No engine can take a new account: configure a gateway server under Gateways:Servers or enable the simulator (Engine:Kind)."),
        ("Place.AllFull", "Every gateway server is full or not answering: {0}. Raise a server's Gateways:Servers:N:Capacity, add a server, or move accounts away."),
        ("Place.NotAnswering", "Server '{0}' is not answering; choose another server or try again when it is back."),
        ("Place.Full", "Server '{0}' is full ({1} of {2} accounts); choose another server or raise its capacity."),
    ];

    public static PhraseBook Book { get; } = new([.. Entries]);

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
