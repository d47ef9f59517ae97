using System.Collections;
using System.Globalization;
using System.Resources;
using System.Text.RegularExpressions;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Reconnect;
using WaDashboard.Core.Sessions;
using WaDashboard.Core.Storage;
using WaDashboard.Web.Components.Pages.Accounts;
using WaDashboard.Web.Localization;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// Every resource exists in English, Hebrew, Arabic and Indonesian, none is empty, each keeps its placeholders, and the
/// Hebrew and Arabic ones are written in Hebrew and Arabic; every code the console looks up (states, reasons, findings,
/// repairs, verdicts…) has its resource. Read from the built satellite assemblies, as the app reads them.
/// </summary>
public sealed partial class ResourceTests
{
    public static readonly string[] Areas = ["Ui", "Reasons", "Findings", "Evidence", "IdentityErrors", "Notes"];

    /// <summary>The fewest resources each area can have: fewer means a file lost its entries.</summary>
    private static readonly Dictionary<string, int> Fewest = new() { ["Ui"] = 50, ["Reasons"] = 50, ["Findings"] = 50, ["Evidence"] = 100, ["IdentityErrors"] = 20, ["Notes"] = 100 };

    public static TheoryData<string, string> AreasAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var area in Areas)
        {
            foreach (var language in Languages.All.Skip(1))
            {
                data.Add(area, language.Code);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AreasAndLanguages))]
    public void Every_resource_is_translated_keeps_its_placeholders_and_is_not_empty(string area, string language)
    {
        var english = Read(area, CultureInfo.InvariantCulture);
        var translated = Read(area, CultureInfo.GetCultureInfo(language));

        Assert.True(english.Count > Fewest[area], $"{area} has only {english.Count} resources");
        Assert.Empty(english.Keys.Except(translated.Keys).Select(k => $"{area}.{language} lacks {k}"));
        Assert.Empty(translated.Keys.Except(english.Keys).Select(k => $"{area}.{language} has {k}, English has not"));
        Assert.Empty(english.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{area} {p.Key} is empty"));
        Assert.Empty(translated.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => $"{area}.{language} {p.Key} is empty"));
        Assert.Empty(english.Where(p => !Placeholders(p.Value).SetEquals(Placeholders(translated[p.Key])))
            .Select(p => $"{area}.{language} {p.Key}: {{{string.Join(",", Placeholders(translated[p.Key]))}}} instead of {{{string.Join(",", Placeholders(p.Value))}}}"));

        // A sentence left in English: Hebrew and Arabic must use their own script wherever English has words.
        if (language is "he" or "ar")
        {
            Func<char, bool> script = language == "he" ? c => c is >= '\u0590' and <= '\u05FF' : c => c is >= '\u0600' and <= '\u06FF';
            Assert.Empty(english.Where(p => Words().IsMatch(p.Value) && !translated[p.Key].Any(script))
                .Select(p => $"{area}.{language} {p.Key} is not in {language}: {translated[p.Key]}"));
        }
        else
        {
            // Indonesian shares the Latin script; the few texts the same in both languages are listed here.
            string[] same = ["Common.Colon", "Layout.Menu", "Login.Email", "Nav.Servers", "AddAccount.Server", "Simulator.Title", "Role.Admin",
                "Role.Operator", "Accounts.Column.Status", "Diagnostics.Format", "Severity.Info", "Verdict.Valid.Short", "Verdict.Valid.Long",
                "Diagnostics.Folder", "Servers.Column.Status", "Servers.Column.Server", "Size.KB", "Size.MB", "Size.GB", "Size.TB", "State.Why", "AddAccount.Server.Accounts", "Worker.Gateway"];
            Assert.Empty(english.Where(p => Words().IsMatch(p.Value) && p.Value == translated[p.Key] && !same.Contains(p.Key))
                .Select(p => $"{area}.{language} {p.Key} is the English text: {p.Value}"));
        }
    }

    [Fact]
    public void Every_code_the_console_looks_up_has_its_resource()
    {
        var ui = Read("Ui", CultureInfo.InvariantCulture);
        var reasons = Read("Reasons", CultureInfo.InvariantCulture);
        var findings = Read("Findings", CultureInfo.InvariantCulture);
        var missing = new List<string>();
        void Need(IReadOnlyDictionary<string, string> area, string key)
        {
            if (!area.ContainsKey(key))
            {
                missing.Add(key);
            }
        }

        foreach (var status in Enum.GetValues<AccountStatus>())
        {
            Need(reasons, $"Status.{status}");
        }

        foreach (var reason in Enum.GetValues<DisconnectReason>())
        {
            Need(reasons, $"Reason.{reason}.Title");
            Need(reasons, $"Reason.{reason}.Explanation");
            Need(reasons, $"Reason.{reason}.Action");
        }

        foreach (var kind in Enum.GetValues<FindingKind>())
        {
            Need(findings, $"Finding.{kind}.Title");
            Need(findings, $"Finding.{kind}.Explanation");
        }

        foreach (var action in Enum.GetValues<RepairAction>())
        {
            Need(findings, $"Action.{action}.Label");
            Need(findings, $"Action.{action}.Recommendation");
        }

        foreach (var verdict in Enum.GetValues<SessionVerdict>())
        {
            Need(findings, $"Verdict.{verdict}.Short");
            Need(findings, $"Verdict.{verdict}.Long");
        }

        foreach (var severity in Enum.GetValues<FindingSeverity>())
        {
            Need(findings, $"Severity.{severity}");
        }

        foreach (var kind in Enum.GetValues<CleanupKind>())
        {
            Need(ui, $"Cleanup.Kind.{kind}");
        }

        foreach (var outcome in Enum.GetValues<CleanupItemOutcome>())
        {
            Need(ui, $"Cleanup.Item.{outcome}");
        }

        foreach (var outcome in Enum.GetValues<CommandOutcome>())
        {
            Need(ui, $"Outcome.{outcome}");
            Need(ui, $"Accounts.Bulk.{outcome}");
        }

        foreach (var fix in Enum.GetValues<AccountFixKind>())
        {
            Need(ui, $"Fix.{fix}");
        }

        foreach (var fault in Enum.GetValues<SimulatorFaultKind>())
        {
            Need(ui, $"Simulator.Fault.{fault}");
        }

        foreach (var role in WaDashboard.Web.Security.Roles.All)
        {
            Need(ui, $"Role.{role}");
        }

        Assert.Empty(missing);
    }

    /// <summary>One area's resources in one culture alone (no fallback to English), from the built assemblies.</summary>
    public static IReadOnlyDictionary<string, string> Read(string area, CultureInfo culture)
    {
        var manager = new ResourceManager($"WaDashboard.Web.Resources.{area}", typeof(WaDashboard.Web.Resources.Ui).Assembly);
        var set = manager.GetResourceSet(culture, createIfNotExists: true, tryParents: false)
                  ?? throw new InvalidOperationException($"No {area} resources for '{culture.Name}'.");
        return set.Cast<DictionaryEntry>().ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "");
    }

    private static HashSet<string> Placeholders(string text) => [.. Placeholder().Matches(text).Select(m => m.Value)];

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex("[a-z]{3,}")]
    private static partial Regex Words();
}
