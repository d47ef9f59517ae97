using Microsoft.Playwright;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>The Accounts page (<c>/</c>): the grid of every account with a live status badge per row.</summary>
public sealed class AccountsScreen(IPage page)
{
    /// <summary>Always rendered and wired to a click handler once the circuit runs the page.</summary>
    public const string InteractiveSelector = "#add-account";

    public IPage Page => page;
    public ILocator AddAccountButton => page.Locator("#add-account");
    public ILocator NameInput => page.Locator("#account-name");
    public ILocator NameError => page.Locator("#account-name-error");
    public ILocator PhoneInput => page.Locator("#account-phone");
    public ILocator PhoneError => page.Locator("#account-phone-error");
    public ILocator SubmitButton => page.Locator("#add-account-submit");
    public ILocator NoAccounts => page.Locator("#no-accounts");
    /// <summary>The element in a row that names its account and phone (the grid's rows carry no attributes of their own).</summary>
    public ILocator RowMarker(string accountId) => page.Locator($"#accounts-grid .wa-row[data-account-id='{accountId}']");
    public ILocator Row(string accountId) => page.Locator($"#accounts-grid tr:has(.wa-row[data-account-id='{accountId}'])");
    public ILocator StatusBadge(string accountId) => Row(accountId).Locator(".wa-status");
    public ILocator SummaryCount(string name) => page.Locator($"#fleet-summary [data-count='{name}']");
    public ILocator QueueDepth(string accountId) => Row(accountId).Locator(".wa-queue");
    public ILocator OutboxLink => page.Locator("#nav-outbox");
}

/// <summary>The page of one account (<c>/accounts/{id}</c>): state, actions, QR or pairing code, simulator panel.</summary>
public sealed class AccountScreen(IPage page)
{
    /// <summary>The simulator's "Drop connection" button: rendered in every state, always wired to a handler.</summary>
    public const string InteractiveSelector = "#sim-drop";

    public IPage Page => page;
    public ILocator Container => page.Locator("#account-page");
    public ILocator StatusBadge => page.Locator("#account-page .wa-status");
    public ILocator NextStep => page.Locator("#next-step");
    public ILocator LinkWithQr => page.Locator("#link-qr");
    public ILocator Reconnect => page.Locator("#reconnect");
    public ILocator QrPanel => page.Locator("#qr-panel");
    public ILocator QrCode => page.Locator("#qr-code");
    public ILocator QrImage => page.Locator("#qr-code svg");
    public ILocator QrCounter => page.Locator("#qr-counter");
    public ILocator SimulatedScan => page.Locator("#sim-scan");
    public ILocator SimulatedLogout => page.Locator("#sim-logout");
    public ILocator SimulatedCorrupt => page.Locator("#sim-corrupt");
    public ILocator SessionHealth => page.Locator("#session-health");
    public ILocator Timeline => page.Locator("#timeline");
    public ILocator TimelineEntriesTo(string status) => page.Locator($"#timeline .wa-timeline-entry[data-to='{status}']");
    public ILocator CommandMessage => page.Locator("#command-message");
    public ILocator TestTo => page.Locator("#test-to");
    public ILocator TestText => page.Locator("#test-text");
    public ILocator SendTest => page.Locator("#send-test");
    public ILocator Queue => page.Locator("#account-queue");
    public ILocator Received(string text) => page.Locator("#sim-received .wa-received", new PageLocatorOptions { HasText = text });
}

/// <summary>The Outbox page (<c>/outbox</c>): every message with its status and a person's actions.</summary>
public sealed class OutboxScreen(IPage page)
{
    /// <summary>The Refresh button: always rendered and wired once the circuit runs the page.</summary>
    public const string InteractiveSelector = "#outbox-refresh";

    public IPage Page => page;
    public ILocator Row(long messageId) => page.Locator($"#outbox-grid tr[data-message-id='{messageId}']");
    public ILocator RowWithText(string text) => page.Locator("#outbox-grid tr[data-message-id]", new PageLocatorOptions { HasText = text });
    public ILocator SendAgain(long messageId) => Row(messageId).Locator("button.wa-send-again");
    public ILocator Message => page.Locator("#outbox-message");
    public ILocator SummaryCount(string status) => page.Locator($"#outbox-summary [data-count='{status}']");
}

/// <summary>The Diagnostics page (<c>/diagnostics</c>): findings worst first, each with its one action, and the fleet cleanup.</summary>
public sealed class DiagnosticsScreen(IPage page)
{
    /// <summary>The "Check again" button: always rendered and wired to a handler once the circuit runs the page.</summary>
    public const string InteractiveSelector = "#diagnostics-refresh";

    public IPage Page => page;
    public ILocator Findings => page.Locator("#findings .wa-finding");
    public ILocator Finding(string kind, string accountId) => page.Locator($".wa-finding[data-kind='{kind}'][data-account-id='{accountId}']");
    public ILocator OrphanFinding(string path) => page.Locator($".wa-finding[data-kind='OrphanFolder'][data-path='{path}']");
    public ILocator Action(ILocator finding, string action) => finding.Locator($"[data-action='{action}']");
    public ILocator DryRun => page.Locator("#cleanup-dry-run");
    public ILocator RunCleanup => page.Locator("#cleanup-run");
    public ILocator CleanupStatus => page.Locator("#cleanup-status");
    public ILocator CleanupProgressBar => page.Locator("#cleanup-progress");
    public ILocator CleanupReport => page.Locator("#cleanup-report");
    public ILocator CleanupSummary => page.Locator("#cleanup-summary");
    public ILocator CleanupItem(string kind, string path) => page.Locator($"#cleanup-report .wa-cleanup-item[data-kind='{kind}'][data-path='{path}']");
}
