using System.Text.RegularExpressions;
using AngleSharp.Dom;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Localization;
using MudBlazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Sessions;
using WaDashboard.Tests.Components;
using WaDashboard.Tests.Support;
using WaDashboard.Web.Components.Pages.Accounts;
using WaDashboard.Web.Components.Pages.Diagnostics;
using WaDashboard.Web.Components.Pages.Health;
using WaDashboard.Web.Components.Shared;
using WaDashboard.Web.Localization;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// A pseudo-locale: every resource comes out marked ⟦…⟧. The pages are rendered over a fleet in many states (bUnit over the
/// real Core), and every visible text (text nodes, titles, placeholders, labels, aria-labels) must be marked: a word outside
/// the marks was typed into a page instead of coming from the resources. Data is exempt by one rule: it sits in an element
/// marked translate="no" (names, phone numbers, codes, ids, paths), or it has no letters (counts, times, sizes' digits).
/// What the console deliberately shows in Core's English is listed in <see cref="KnownEnglish"/>: each such element also
/// says lang="en", and an element saying so that is not on the list fails the test.
/// </summary>
public sealed partial class PseudoLocaleTests() : CorePageTest("wadash-pseudo")
{
    /// <summary>
    /// Known gaps, shown in English on purpose, with why. Their texts are written by Core for the REST API, the logs and
    /// the alert webhook (the API stays English); the console shows them set apart (lang="en", left to right, isolated).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> KnownEnglish = new Dictionary<string, string>
    {
        ["wa-finding-detail"] = "a finding's evidence that is the engine's own words (its raw disconnect code and text), as in GET .../session-info; every sentence the dashboard writes itself is said in the person's language",
        ["wa-raw-engine"] = "the engine's raw disconnect code and text",
        [CoreSentence.Untranslated] = "a sentence of Core (timeline note, audit detail) that no phrase book reads: a row written before its "
                                      + "template existed, or clipped; shown as stored. None may appear on the pages this test renders",
    };

    protected override void SetUp(IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IStringLocalizerFactory>(provider =>
            new MarkingLocalizerFactory(ActivatorUtilities.CreateInstance<ResourceManagerStringLocalizerFactory>(provider))));
        services.AddSingleton<QrCodeRenderer>();
        services.AddSingleton(Core.Fleet);
        Context.Services.AddFallbackServiceProvider(Core.Services);
        SignInAsOperator();
    }

    [Fact]
    public async Task Every_word_on_the_main_pages_comes_from_the_resources()
    {
        var fresh = await Core.Fleet.AddAsync("Never linked", "+972506000001", CancellationToken.None);
        var connected = await Core.AddConnectedAsync("+972506000002", "Reception");
        var dropped = await Core.AddConnectedAsync("+972506000003", "Dropped");
        var loggedOut = await Core.AddConnectedAsync("+972506000004", "Unlinked");
        var banned = await Core.AddConnectedAsync("+972506000005", "Banned one");
        var corrupt = await Core.AddConnectedAsync("+972506000006", "Corrupted");
        var stopped = await Core.AddConnectedAsync("+972506000007", "Stopped one");
        Assert.Null(Core.Simulator.InjectFault(dropped.Id, new SimulatorFault(SimulatorFaultKind.Drop, Code: "408")));
        Assert.Null(Core.Simulator.InjectFault(loggedOut.Id, new SimulatorFault(SimulatorFaultKind.Logout)));
        Assert.Null(Core.Simulator.InjectFault(banned.Id, new SimulatorFault(SimulatorFaultKind.Ban, Until: Core.Time.GetUtcNow().AddHours(2))));
        Assert.Null(Core.Simulator.InjectFault(corrupt.Id, new SimulatorFault(SimulatorFaultKind.Corrupt)));
        await Core.WaitForAsync(dropped.Id, s => s.Status == AccountStatus.Reconnecting, "Reconnecting");
        await Core.WaitForAsync(loggedOut.Id, s => s.Status == AccountStatus.LoggedOut, "LoggedOut");
        await Core.WaitForAsync(banned.Id, s => s.Status == AccountStatus.Banned, "Banned");
        await Core.Fleet.SendAsync(stopped.Id, new StopCommand(), CancellationToken.None);
        await Core.AdvanceUntilAsync(stopped.Id, s => s.Status == AccountStatus.Stopped, "Stopped");
        var qr = await Core.Fleet.AddAsync("Waiting for QR", "+972506000008", CancellationToken.None);
        await Core.Fleet.SendAsync(qr.Id, new LinkCommand(LinkMode.Qr), CancellationToken.None);
        await Core.AdvanceUntilAsync(qr.Id, s => s.Qr is not null, "a QR code");
        var pairing = await Core.Fleet.AddAsync("Waiting for pairing", "+972506000009", CancellationToken.None);
        await Core.Fleet.SendAsync(pairing.Id, new LinkCommand(LinkMode.PairingCode), CancellationToken.None);
        await Core.AdvanceUntilAsync(pairing.Id, s => s.PairingCode is not null, "a pairing code");

        var problems = new List<string>();

        var accounts = RenderInProviders<AccountsPage>();
        accounts.WaitForAssertion(() => Assert.Equal(9, accounts.FindAll("#accounts-grid .wa-row").Count), RenderPatience);
        accounts.WaitForAssertion(() => Assert.NotEmpty(accounts.FindAll("#alerts .wa-alert")), RenderPatience);
        Check("Accounts", accounts, problems);
        await Context.DisposeComponentsAsync();

        foreach (var account in new[] { fresh, connected, dropped, loggedOut, banned, corrupt, stopped, qr, pairing })
        {
            var page = RenderInProviders<AccountPage>(nameof(AccountPage.Id), account.Id);
            page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#timeline .wa-timeline-entry")), RenderPatience);
            page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("#session-health")), RenderPatience);
            Check($"Account {account.Name}", page, problems);
            await Context.DisposeComponentsAsync();
        }

        var diagnostics = RenderInProviders<DiagnosticsPage>();
        diagnostics.WaitForAssertion(() => Assert.Equal("true", diagnostics.Find("#diagnostics").GetAttribute("data-loaded")), RenderPatience);
        Check("Diagnostics", diagnostics, problems);
        await Context.DisposeComponentsAsync();
        foreach (var account in new[] { corrupt, loggedOut, connected })
        {
            var one = RenderInProviders<DiagnosticsPage>(nameof(DiagnosticsPage.AccountId), account.Id);
            one.WaitForAssertion(() => Assert.NotEmpty(one.FindAll("#session-details")), RenderPatience);
            Check($"Diagnostics {account.Name}", one, problems);
            await Context.DisposeComponentsAsync();
        }

        await Core.Outbox.EnqueueAsync(new Core.Messaging.OutboxRequest(connected.Id, "+972500000001", "Your appointment is tomorrow at 10:00.", null, null), CancellationToken.None);
        await Core.Outbox.EnqueueAsync(new Core.Messaging.OutboxRequest(loggedOut.Id, "+972500000002", "We received your request.", null, null), CancellationToken.None);
        var outbox = RenderInProviders<WaDashboard.Web.Components.Pages.Outbox.OutboxPage>();
        outbox.WaitForAssertion(() => Assert.Equal(2, outbox.FindAll("#outbox-grid tr[data-message-id]").Count), RenderPatience);
        Check("Outbox", outbox, problems);
        await Context.DisposeComponentsAsync();

        var servers = RenderInProviders<WaDashboard.Web.Components.Pages.Gateways.GatewaysPage>();
        servers.WaitForAssertion(() => Assert.NotEmpty(servers.FindAll("#workers tr[data-worker]")), RenderPatience);
        Check("Servers", servers, problems);
        await Context.DisposeComponentsAsync();

        var health = RenderInProviders<HealthPage>();
        health.WaitForAssertion(() => Assert.NotEmpty(health.FindAll("#scores tr[data-account-id]")), RenderPatience);
        Check("Health", health, problems);
        await Context.DisposeComponentsAsync();

        var actions = Context.Services.GetRequiredService<WaDashboard.Web.Security.OperatorActions>();
        var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "operator@example.test")], "test"));
        await actions.SendAsync(user, connected.Id, new LinkCommand(LinkMode.None), CancellationToken.None);
        await actions.SendAsync(user, stopped.Id, new StopCommand(), CancellationToken.None);
        await actions.MoveAccountAsync(user, connected.Id, connected.WorkerId, CancellationToken.None);
        var audit = RenderInProviders<WaDashboard.Web.Components.Pages.Admin.AuditPage>();
        audit.WaitForAssertion(() => Assert.Equal(3, audit.FindAll("#audit .wa-audit-detail").Count), RenderPatience);
        Check("Audit", audit, problems);
        await Context.DisposeComponentsAsync();

        Assert.True(problems.Count == 0, "Not from the resources:\n" + string.Join("\n", problems.Distinct()));
        Assert.Empty(MarkingLocalizerFactory.Missing);
    }

    [Fact]
    public void The_check_itself_finds_a_typed_word_a_missing_resource_and_an_unlisted_English_element()
    {
        var typed = Context.Render<Probe>(p => p.Add(x => x.Markup, "<div><span>⟦Accounts⟧</span> <b>Typed by hand</b> <i translate=\"no\">+972 50 123 4567</i> 42</div>"));
        var problems = new List<string>();
        Check("Probe", typed, problems);
        Assert.Equal(["Probe: text \"Typed by hand\""], problems);

        var attribute = Context.Render<Probe>(p => p.Add(x => x.Markup, "<input placeholder=\"Search\" title=\"⟦Search⟧\" />"));
        problems.Clear();
        Check("Probe", attribute, problems);
        Assert.Equal(["Probe: placeholder=\"Search\""], problems);

        var english = Context.Render<Probe>(p => p.Add(x => x.Markup, "<span class=\"wa-new\" lang=\"en\" translate=\"no\">Left in English</span>"));
        problems.Clear();
        Check("Probe", english, problems);
        Assert.Equal(["Probe: lang=\"en\" on <span class=\"wa-new\">, not a known gap"], problems);
    }

    /// <summary>Renders a page under MudBlazor's providers, as the layout does.</summary>
    private IRenderedComponent<T> RenderInProviders<T>(string? parameter = null, object? value = null) where T : IComponent
    {
        var host = Context.Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<T>(2);
            if (parameter is not null)
            {
                builder.AddAttribute(3, parameter, value);
            }

            builder.CloseComponent();
        });
        return host.FindComponent<T>();
    }

    private static readonly string[] VisibleAttributes = ["title", "placeholder", "aria-label", "label", "alt"];

    private static void Check(string page, IRenderedComponent<IComponent> cut, List<string> problems) => Check(page, cut.Nodes, problems);

    private static void Check<T>(string page, IRenderedComponent<T> cut, List<string> problems) where T : IComponent => Check(page, cut.Nodes, problems);

    private static void Check(string page, INodeList nodes, List<string> problems)
    {
        foreach (var node in nodes.SelectMany(n => n.GetDescendantsAndSelf()))
        {
            if (node is IElement element)
            {
                if (element.GetAttribute("lang") == "en" && !element.ClassList.Any(KnownEnglish.ContainsKey))
                {
                    problems.Add($"{page}: lang=\"en\" on <{element.LocalName} class=\"{element.ClassName}\">, not a known gap");
                }

                if (element.ClassList.Contains(CoreSentence.Untranslated))
                {
                    problems.Add($"{page}: Core's sentence \"{element.TextContent}\" is read by no phrase book");
                }

                if (IsData(element))
                {
                    continue;
                }

                foreach (var name in VisibleAttributes)
                {
                    if (element.GetAttribute(name) is { } value && Unmarked(value))
                    {
                        problems.Add($"{page}: {name}=\"{value}\"");
                    }
                }
            }
            else if (node is IText text && node.ParentElement is { } parent && !IsData(parent) && parent.LocalName is not ("script" or "style")
                     && Unmarked(text.Data))
            {
                problems.Add($"{page}: text \"{text.Data.Trim()}\"");
            }
        }
    }

    /// <summary>Data: inside an element marked translate="no" (names, phone numbers, codes, ids, paths).</summary>
    private static bool IsData(IElement element) => element.Closest("[translate='no']") is not null;

    /// <summary>Letters left once every ⟦…⟧ (nested or not) is taken out.</summary>
    private static bool Unmarked(string text)
    {
        var rest = text;
        string before;
        do
        {
            before = rest;
            rest = Marked().Replace(rest, "");
        }
        while (rest != before);

        return rest.Any(char.IsLetter);
    }

    [GeneratedRegex("⟦[^⟦⟧]*⟧")]
    private static partial Regex Marked();

    /// <summary>Renders the markup it is given: for checking the check.</summary>
    private sealed class Probe : ComponentBase
    {
        [Parameter] public string Markup { get; set; } = "";

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) =>
            builder.AddMarkupContent(0, Markup);
    }
}

/// <summary>The pseudo-locale: each resource wrapped in ⟦…⟧; a name without a resource is remembered.</summary>
public sealed class MarkingLocalizerFactory(IStringLocalizerFactory inner) : IStringLocalizerFactory
{
    public static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> MissingNames = new();

    public static IReadOnlyCollection<string> Missing => MissingNames.Keys.ToList();

    public IStringLocalizer Create(Type resourceSource) => new Marking(inner.Create(resourceSource));

    public IStringLocalizer Create(string baseName, string location) => new Marking(inner.Create(baseName, location));

    private sealed class Marking(IStringLocalizer inner) : IStringLocalizer
    {
        public LocalizedString this[string name] => Mark(inner[name]);

        public LocalizedString this[string name, params object[] arguments] => Mark(inner[name, arguments]);

        public IEnumerable<LocalizedString> GetAllStrings(bool includeParentCultures) => inner.GetAllStrings(includeParentCultures).Select(Mark);

        private static LocalizedString Mark(LocalizedString s)
        {
            if (s.ResourceNotFound)
            {
                MissingNames[s.Name] = true;
            }

            return new LocalizedString(s.Name, "⟦" + s.Value + "⟧", s.ResourceNotFound, s.SearchedLocation);
        }
    }
}
