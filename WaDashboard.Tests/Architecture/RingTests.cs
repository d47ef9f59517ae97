namespace WaDashboard.Tests.Architecture;

/// <summary>
/// Keeps the layout of docs/architecture.md: no folder of Core or Web imports a folder that imports it back (directly
/// or around a loop), and every import points to the same ring or one further in. A new folder must be given a ring here.
/// </summary>
public sealed class RingTests
{
    /// <summary>Core, from the inside out.</summary>
    public static readonly IReadOnlyList<(string Ring, string[] Folders)> CoreRings =
    [
        ("domain and foundation", ["Accounts", "Background"]),
        ("engines, storage, persistence", ["Engines", "Engines/Gateways", "Engines/Simulator", "Engines/Waha", "Engines/Workers",
            "Storage", "Persistence", "Persistence/Security", "Reconnect", "Telemetry"]),
        ("supervision", ["Sessions"]),
        ("features", ["Monitoring", "StorageJobs", "Messaging", "Health", "Diagnostics", "Audit"]),
        ("composition", [""]),
    ];

    /// <summary>Web, from the inside out.</summary>
    public static readonly IReadOnlyList<(string Ring, string[] Folders)> WebRings =
    [
        ("words: the resources and the language of a request", ["Resources", "Localization"]),
        ("shared", ["Components/Shared", "Security"]),
        ("endpoints and layout", ["Api", "Components/Layout"]),
        ("pages and observability", ["Components/Pages/Accounts", "Components/Pages/Admin",
            "Components/Pages/Diagnostics", "Components/Pages/Gateways", "Components/Pages/Health", "Components/Pages/Outbox",
            "Components/Pages/Security", "Observability"]),
        ("composition", ["Components", "Hosting", ""]),
    ];

    public static TheoryData<string> Assemblies => new() { "Core", "Web" };

    private static (FolderGraph Graph, IReadOnlyList<(string Ring, string[] Folders)> Rings) Of(string assembly) => assembly switch
    {
        "Core" => (FolderGraph.Of(typeof(Core.DependencyInjection).Assembly), CoreRings),
        _ => (FolderGraph.Of(typeof(Program).Assembly), WebRings),
    };

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void No_folder_imports_a_folder_that_imports_it_back(string assembly)
    {
        var (graph, _) = Of(assembly);

        var loops = graph.Loops();

        Assert.True(loops.Count == 0, $"{graph.Root} has import loops between folders:\n{graph.Describe()}");
    }

    [Theory]
    [MemberData(nameof(Assemblies))]
    public void Every_import_points_to_the_same_ring_or_further_in(string assembly)
    {
        var (graph, rings) = Of(assembly);
        var ringOf = rings.SelectMany((ring, index) => ring.Folders.Select(folder => (folder, index))).ToDictionary(x => x.folder, x => x.index);

        var unplaced = graph.Folders.Where(folder => !ringOf.ContainsKey(folder)).ToList();
        var outward = graph.Edges
            .SelectMany(from => from.Value.Select(to => (From: from.Key, To: to.Key, Example: to.Value.First())))
            .Where(edge => ringOf.ContainsKey(edge.From) && ringOf.ContainsKey(edge.To) && ringOf[edge.To] > ringOf[edge.From])
            .Select(edge => $"{edge.From} ({rings[ringOf[edge.From]].Ring}) → {edge.To} ({rings[ringOf[edge.To]].Ring}): {edge.Example}")
            .ToList();

        Assert.True(unplaced.Count == 0, $"{graph.Root}: give these folders a ring in {nameof(RingTests)}: {string.Join(", ", unplaced)}");
        Assert.True(outward.Count == 0, $"{graph.Root}: imports pointing outward:\n{string.Join("\n", outward)}");
    }
}
