using System.Globalization;
using Microsoft.Extensions.Configuration;
using Serilog;
using WaDashboard.Tests.Support;
using WaDashboard.Web.Hosting;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// Log lines are for operators' tools (grep, log shippers), not for the person whose circuit logged them: the console and
/// file sinks, configured as the app configures them (appsettings.json's Serilog section and the JSON file), write
/// numbers and dates without culture even while the logging thread runs in Arabic, Hebrew or Indonesian.
/// </summary>
public sealed class InvariantLogTests : IDisposable
{
    private readonly TempDirectory _data = new("wadash-log-culture");

    public void Dispose() => _data.Dispose();

    [Theory]
    [InlineData("ar")]
    [InlineData("ar-SA")]
    [InlineData("he")]
    [InlineData("id")]
    public void Console_and_file_lines_are_culture_invariant_under_a_circuits_culture(string language)
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryLayout.Root(), "WaDashboard.Web", "appsettings.json"))
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = _data.Path, ["LogFiles:Enabled"] = "true" })
            .Build();
        var console = new StringWriter();
        var previousOut = Console.Out;
        var (previousCulture, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            Console.SetOut(console);
            using (var logger = LoggingSetup.Configure(new LoggerConfiguration(), configuration).CreateLogger())
            {
                CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
                Assert.NotEqual("12/03/2026 21:05:09 +00:00", new DateTimeOffset(2026, 12, 3, 21, 5, 9, TimeSpan.Zero).ToString()); // the culture is in force
                logger.Information("Cleanup took {Seconds} s and freed {Bytes} bytes at {At}", 1234.5, 1234567,
                    new DateTimeOffset(2026, 12, 3, 21, 5, 9, TimeSpan.Zero));
                CultureInfo.CurrentCulture = previousCulture;
                CultureInfo.CurrentUICulture = previousUi;
            }
        }
        finally
        {
            Console.SetOut(previousOut);
            CultureInfo.CurrentCulture = previousCulture;
            CultureInfo.CurrentUICulture = previousUi;
        }

        var line = console.ToString().Split('\n').Single(l => l.Contains("Cleanup took", StringComparison.Ordinal));
        var file = File.ReadAllLines(Directory.GetFiles(Path.Combine(_data.Path, "logs")).Single()).Single(l => l.Contains("Cleanup took", StringComparison.Ordinal));
        foreach (var (sink, text) in new[] { ("console", line), ("file", file) })
        {
            Assert.True(text.Contains("took 1234.5 s", StringComparison.Ordinal), $"{sink}: {text}");
            Assert.True(text.Contains("freed 1234567 bytes", StringComparison.Ordinal), $"{sink}: {text}");
            Assert.True(text.Contains("12/03/2026 21:05:09", StringComparison.Ordinal), $"{sink}: {text}");
            Assert.False(text.Any(c => c is >= '\u0600' and <= '\u06FF' or >= '\u0590' and <= '\u05FF'), $"{sink} has Arabic or Hebrew characters: {text}");
        }
    }
}
