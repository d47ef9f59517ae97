using Xunit.Abstractions;

namespace WaDashboard.Tests.Architecture;

/// <summary>
/// Prints the folder graphs of Core and Web (and writes them to folder-graph.txt beside the test binaries), so a
/// change of layout can be read as a before and after.
/// </summary>
public sealed class FolderGraphListing(ITestOutputHelper output)
{
    [Fact]
    public void Lists_the_folder_graphs()
    {
        var core = FolderGraph.Of(typeof(Core.DependencyInjection).Assembly).Describe();
        var web = FolderGraph.Of(typeof(Program).Assembly).Describe();
        var text = $"# WaDashboard.Core\n{core}\n# WaDashboard.Web\n{web}";
        output.WriteLine(text);
        File.WriteAllText(Path.Combine(AppContext.BaseDirectory, "folder-graph.txt"), text);
        Assert.NotEmpty(core);
    }
}
