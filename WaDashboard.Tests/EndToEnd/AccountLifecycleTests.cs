using System.Text.RegularExpressions;

namespace WaDashboard.Tests.EndToEnd;

/// <summary>Add an account, link it with a QR code, watch it connect from another tab, and keep it across a restart.</summary>
public sealed partial class AccountLifecycleTests : EndToEndTest
{
    private const string Name = "Clinic reception";
    private const string TypedPhone = "+972 50 123 4567";
    private const string Phone = "+972501234567";
    private const string SameDocumentMarker = "set before the account connected";

    [Fact]
    public Task AddedAccount_LinksByQr_ShowsConnectedLiveInAnotherTab_AndStaysConnectedAfterRestart() => RunAsync(async () =>
    {
        var accounts = new AccountsScreen(await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector));
        await Expect(accounts.NoAccounts).ToBeVisibleAsync();

        await accounts.AddAccountButton.ClickAsync();
        // The dialog focuses its first field once it has opened; filling before that lets the focus move mid-typing.
        await Expect(accounts.NameInput).ToBeFocusedAsync();
        await accounts.NameInput.FillAsync(Name);
        await accounts.PhoneInput.FillAsync(TypedPhone);
        await Expect(accounts.PhoneError).ToHaveCountAsync(0);
        await accounts.SubmitButton.ClickAsync();

        // Adding lands on the new account's page.
        var account = new AccountScreen(accounts.Page);
        await Expect(account.Page).ToHaveURLAsync(AccountPath());
        await Expect(account.Container).ToBeVisibleAsync();
        var accountId = await account.Container.GetAttributeAsync("data-account-id") ?? "";
        Assert.EndsWith($"/accounts/{accountId}", account.Page.Url);
        var added = Assert.Single(await App.Api.ListAccountsAsync());
        Assert.Equal((accountId, Name, Phone, "New"), (added.Id, added.Name, added.Phone, added.Status));
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "New");
        await Expect(account.QrPanel).ToHaveCountAsync(0);

        // A person asks for a QR code: the first of six is drawn on the page.
        await account.LinkWithQr.ClickAsync();
        await Expect(account.QrImage).ToBeVisibleAsync();
        await Expect(account.QrCounter).ToHaveTextAsync("Code 1 of 6");
        await Expect(account.QrCode).ToHaveAttributeAsync("data-qr-index", "1");
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "AwaitingQrScan");

        // A second tab on the Accounts page sees the account waiting for its scan.
        var overview = new AccountsScreen(await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector));
        await Expect(overview.RowMarker(accountId)).ToHaveAttributeAsync("data-phone", Phone);
        await Expect(overview.StatusBadge(accountId)).ToHaveAttributeAsync("data-status", "AwaitingQrScan");
        await overview.Page.EvaluateAsync("marker => { window.wadashboardMarker = marker; }", SameDocumentMarker);

        // The phone scans in the first tab; the second tab turns Connected by itself.
        await account.SimulatedScan.ClickAsync();
        await Expect(overview.StatusBadge(accountId)).ToHaveAttributeAsync("data-status", "Connected");
        await Expect(overview.StatusBadge(accountId)).ToHaveTextAsync("Connected");
        Assert.Equal(SameDocumentMarker, await overview.Page.EvaluateAsync<string?>("() => window.wadashboardMarker ?? null"));
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "Connected");
        await Expect(account.QrPanel).ToHaveCountAsync(0);
        await overview.Page.CloseAsync();

        // The linked session is on disk, Baileys-style, under the account's folder.
        var sessionFolder = Path.Combine(App.DataDirectory, "sessions", accountId);
        var credentials = Assert.Single(Directory.GetFiles(sessionFolder, "creds.json", SearchOption.AllDirectories));
        Assert.NotEmpty(Directory.GetFiles(Path.GetDirectoryName(credentials)!, "pre-key-*.json"));

        // Stop the app gracefully and start it again on the same data: the session comes back without a QR.
        Assert.Equal(0, await App.RestartAsync());
        await account.Page.GotoAsync(UrlOf($"accounts/{accountId}").ToString());
        await BlazorCircuit.WaitUntilInteractiveAsync(account.Page, AccountScreen.InteractiveSelector);
        await Expect(account.StatusBadge).ToHaveAttributeAsync("data-status", "Connected");
        await Expect(account.QrPanel).ToHaveCountAsync(0);
        await Expect(account.LinkWithQr).ToHaveCountAsync(0);
        await Expect(account.TimelineEntriesTo("AwaitingQrScan")).ToHaveCountAsync(1);

        var status = await App.Api.GetStatusAsync(accountId);
        Assert.Equal(("Connected", true, false), (status.ConnectionStatus, status.IsConnected, status.HasQrCode));
    });

    [Fact]
    public Task AddDialog_RejectsAPhoneWithoutCountryCode_Inline_AndAddsNothing() => RunAsync(async () =>
    {
        var accounts = new AccountsScreen(await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector));
        await accounts.AddAccountButton.ClickAsync();
        // The dialog focuses its first field once it has opened; filling before that lets the focus move mid-typing.
        await Expect(accounts.NameInput).ToBeFocusedAsync();
        await accounts.NameInput.FillAsync(Name);
        await accounts.PhoneInput.FillAsync("0501234567");

        await Expect(accounts.PhoneError).ToBeVisibleAsync();
        await Expect(accounts.PhoneError).ToContainTextAsync("does not start with '+' and a country code");

        // Submitting anyway keeps the dialog open with the error and what was typed.
        await accounts.SubmitButton.ClickAsync();
        await Expect(accounts.PhoneError).ToBeVisibleAsync();
        await Expect(accounts.PhoneInput).ToHaveValueAsync("0501234567");
        await Expect(accounts.NameError).ToHaveCountAsync(0);

        // Corrected, the same dialog adds exactly one account. The circuit handles events in order, so the refused
        // submit was processed before this one: had it added anything, there would be two.
        await accounts.PhoneInput.FillAsync(Phone);
        await Expect(accounts.PhoneError).ToHaveCountAsync(0);
        await accounts.SubmitButton.ClickAsync();
        await Expect(accounts.Page).ToHaveURLAsync(AccountPath());

        var added = Assert.Single(await App.Api.ListAccountsAsync());
        Assert.Equal((Name, Phone), (added.Name, added.Phone));
    });

    [GeneratedRegex("/accounts/[^/]+$")]
    private static partial Regex AccountPath();
}
