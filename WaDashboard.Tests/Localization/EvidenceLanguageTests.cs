using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using WaDashboard.Core.Diagnostics;
using WaDashboard.Core.Engines.Waha;
using WaDashboard.Core.Storage;
using WaDashboard.Tests.Http;
using WaDashboard.Web.Components.Pages.Diagnostics;
using WaDashboard.Web.Localization;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// Core's sentences in the person's language: a finding's evidence, a gateway's error and a refused storage action are
/// said in Hebrew and Arabic with their data (file names, ids) isolated from the sentence, while words no phrase book
/// wrote (the engine's own) stay English, set apart; Identity's password rules come in Indonesian from the app's own
/// registration.
/// </summary>
public sealed class EvidenceLanguageTests : IAsyncLifetime
{
    private const string Fsi = "\u2068";
    private const string Pdi = "\u2069";

    private readonly BunitContext _context = new();

    public Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Services.AddMudServices();
        _context.Services.AddWaDashboardLocalization();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeComponentsAsync();
        await _context.DisposeAsync();
    }

    private static T In<T>(string language, Func<T> action)
    {
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
            return action();
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = ui;
        }
    }

    [Theory]
    [InlineData("he", "במטמונים")]
    [InlineData("ar", "ذاكرة التخزين المؤقت")]
    public void A_findings_evidence_is_said_in_the_language_with_its_file_names_isolated(string language, string word)
    {
        var finding = SessionFinding.Of(FindingKind.TrimmableCaches,
            FindingEvidence.Say("Caches", SessionInspector.FormatSize(52_428_800), "Default/Cache, Default/Code Cache")) with { AccountId = "acc-1", AccountName = "Reception" };

        var card = In(language, () => _context.Render<FindingCard>(p => p.Add(c => c.Finding, finding)));

        var detail = card.Find(".wa-finding-detail");
        Assert.Null(detail.GetAttribute("lang"));
        Assert.Contains(word, detail.TextContent);
        Assert.Contains(Fsi + "Default/Cache, Default/Code Cache" + Pdi, detail.TextContent);
        Assert.Contains(Fsi + "50.0 MB" + Pdi, detail.TextContent);
        Assert.DoesNotContain("in caches", detail.TextContent);
    }

    [Theory]
    [InlineData("he", "החשבון במצב")]
    [InlineData("ar", "حالة الحساب")]
    [InlineData("id", "Akun ini")]
    public void A_not_connected_finding_is_said_from_its_account_in_the_language_not_from_Cores_English_description(string language, string words)
    {
        var now = new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);
        var account = new WaDashboard.Core.Accounts.AccountState
        {
            Id = "0123456789abcdef", Name = "Reception", Phone = WaDashboard.Core.Accounts.PhoneNumber.Parse("+972501234567"), CreatedAt = now,
            StatusSince = now, Status = WaDashboard.Core.Accounts.AccountStatus.Stopped, SessionLinked = true, Generation = 1,
        };
        var english = WaDashboard.Core.Accounts.AccountStatusDescription.Describe(account, now);
        var finding = SessionFinding.Of(FindingKind.NotConnected,
            FindingEvidence.Say("Account.NotConnected", english.Label.ToLowerInvariant(), english.WhatHappened)) with { AccountId = account.Id, AccountName = "Reception" };

        var (card, status) = In(language, () => (
            _context.Render<FindingCard>(p => p.Add(c => c.Finding, finding).Add(c => c.Account, account).Add(c => c.Now, now)),
            _context.Services.GetRequiredService<ConsoleText>().Status(WaDashboard.Core.Accounts.AccountStatus.Stopped)));

        var detail = card.Find(".wa-finding-detail");
        Assert.Null(detail.GetAttribute("lang"));
        Assert.StartsWith(words, detail.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Contains(status.ToLower(CultureInfo.GetCultureInfo(language)), detail.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain("The account is", detail.TextContent, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("he")]
    [InlineData("ar")]
    public void A_nested_sentence_is_said_too_and_the_engines_own_words_stay_English_set_apart(string language)
    {
        var stale = SessionFinding.Of(FindingKind.StaleLock, FindingEvidence.Say("Lock.Stale", "SingletonLock → host-4242", FindingEvidence.Say("Lock.Dead", 4242)));
        var raw = SessionFinding.Of(FindingKind.LoggedOut, "401: Stream Errored (conflict)");

        var staleCard = In(language, () => _context.Render<FindingCard>(p => p.Add(c => c.Finding, stale)));
        var rawCard = In(language, () => _context.Render<FindingCard>(p => p.Add(c => c.Finding, raw)));

        var said = staleCard.Find(".wa-finding-detail");
        Assert.Null(said.GetAttribute("lang"));
        Assert.DoesNotContain("does not run", said.TextContent);
        Assert.Contains(Fsi + "SingletonLock → host-4242" + Pdi, said.TextContent);
        Assert.Contains(Fsi + "4242" + Pdi, said.TextContent);
        var english = rawCard.Find(".wa-finding-detail");
        Assert.Equal("en", english.GetAttribute("lang"));
        Assert.Equal("ltr", english.GetAttribute("dir"));
        Assert.Equal("401: Stream Errored (conflict)", english.TextContent);
    }

    [Fact]
    public void A_gateways_error_and_a_refused_action_are_said_with_the_gateways_words_kept_as_data()
    {
        var words = _context.Services.GetRequiredService<ConsoleText>();
        var error = new WahaApiException("gw-a", "POST", "/api/sessions/start", System.Net.HttpStatusCode.Unauthorized, "{\"error\":\"Unauthorized\"}").Message;

        var hebrew = In("he", () => words.GatewayError(error));
        var refused = In("ar", () => words.ActionOutcome(new ActionOutcome(false, DiagnosisAnswers.Say("Action.NotABackup", "x-1"))));

        Assert.True(hebrew.Translated);
        Assert.Contains("שער", hebrew.Text);
        Assert.Contains(Fsi + "{\"error\":\"Unauthorized\"}" + Pdi, hebrew.Text);
        Assert.Contains(Fsi + "gw-a" + Pdi, hebrew.Text);
        Assert.DoesNotContain("Check the API key", hebrew.Text);
        Assert.Contains("ليس معرّف نسخة احتياطية", refused);
        Assert.Contains(Fsi + "x-1" + Pdi, refused);
    }

    [Fact]
    public async Task Identitys_password_rules_and_a_taken_email_are_said_in_Indonesian_by_the_app()
    {
        await using var app = new WebAppFactory();
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        var (culture, ui) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        IdentityResult tooShort, taken, english;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("id");
            tooShort = await users.CreateAsync(new DashboardUser { UserName = "ops@example.test", Email = "ops@example.test" }, "abc");
            Assert.True((await users.CreateAsync(new DashboardUser { UserName = "ops@example.test", Email = "ops@example.test" }, "a long password 42")).Succeeded);
            taken = await users.CreateAsync(new DashboardUser { UserName = "ops@example.test", Email = "ops@example.test" }, "a long password 42");
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
            english = await users.CreateAsync(new DashboardUser { UserName = "ops2@example.test", Email = "ops2@example.test" }, "abc");
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = ui;
        }

        Assert.Contains(tooShort.Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordTooShort) && e.Description.StartsWith("Kata sandi harus paling sedikit", StringComparison.Ordinal));
        Assert.Contains(tooShort.Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordRequiresDigit) && e.Description.Contains("angka", StringComparison.Ordinal));
        Assert.Contains(taken.Errors, e => e.Code == nameof(IdentityErrorDescriber.DuplicateUserName) && e.Description == "Sudah ada pengguna ops@example.test.");
        // The REST API runs without a request culture: English.
        Assert.Contains(english.Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordTooShort) && e.Description.StartsWith("The password must be at least", StringComparison.Ordinal));
    }
}
