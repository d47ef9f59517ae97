using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Audit;
using WaDashboard.Core.Engines;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;
using WaDashboard.Tests.Components;
using WaDashboard.Web.Components.Pages.Accounts;
using WaDashboard.Web.Components.Pages.Admin;
using WaDashboard.Web.Components.Shared;
using WaDashboard.Web.Localization;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// Core's own sentences (timeline notes, the supervisor's answers, the outbox's notes, the audit detail) in the person's
/// language, rendered by bUnit over the real Core; rows stored in English before the console could translate them are
/// translated too, and a sentence no book knows is shown as written, set apart in English.
/// </summary>
public sealed class CoreSentenceTests() : CorePageTest("wadash-notes"), IDisposable
{
    private const string Fsi = "\u2068";
    private const string Pdi = "\u2069";
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    protected override void SetUp(IServiceCollection services)
    {
        services.AddSingleton(Core.Fleet);
        services.AddSingleton<QrCodeRenderer>();
        Context.Services.AddFallbackServiceProvider(Core.Services);
        SignInAsOperator();
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }

    private static void Speak(string language)
    {
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo(language);
    }

    [Fact]
    public async Task An_accounts_timeline_in_Hebrew_says_the_notes_in_Hebrew_with_the_server_ids_isolated_old_rows_included()
    {
        var account = await Core.Fleet.AddAsync("Clinic", "+972506200001", CancellationToken.None);
        var store = Core.Services.GetRequiredService<IAccountStore>();
        var at = Core.Time.GetUtcNow();
        // Rows as an earlier version stored them: plain English text, no code beside it.
        await store.SaveAsync(account, new TimelineEntry(at.AddSeconds(1), AccountStatus.New, AccountStatus.New, null, null, null,
            "Moved from gw-tlv to gw-haifa. A login cannot move between servers: link it again with a QR code or a pairing code.", null), CancellationToken.None);
        await store.SaveAsync(account, new TimelineEntry(at.AddSeconds(2), AccountStatus.Connected, AccountStatus.Disconnected, DisconnectReason.ClientOutdated,
            "405", "x", "Drift: the engine no longer has this session. Needs you: Update the engine, then click Reconnect.", null), CancellationToken.None);
        await store.SaveAsync(account, new TimelineEntry(at.AddSeconds(3), AccountStatus.New, AccountStatus.New, null, null, null,
            "A note no book ever wrote.", null), CancellationToken.None);
        Speak("he");

        var page = Context.Render<AccountPage>(p => p.Add(x => x.Id, account.Id));

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("#timeline .wa-timeline-note").Count), RenderPatience);
        var notes = page.FindAll("#timeline .wa-timeline-note").Select(n => n.TextContent).ToList();
        Assert.Contains($"הועבר מ-{Fsi}gw-tlv{Pdi} אל {Fsi}gw-haifa{Pdi}. התחברות לא עוברת בין שרתים: קשרו אותו שוב עם קוד QR או קוד צימוד.", notes);
        Assert.Contains("פער: למנוע כבר אין את הסשן הזה. דרוש טיפול שלך: עדכנו את המנוע, ואז לחצו על \"התחברות מחדש\".", notes);
        Assert.Contains("החשבון נוסף.", notes);
        var untranslated = Assert.Single(page.FindAll($"#timeline .{CoreSentence.Untranslated}"));
        Assert.Equal("A note no book ever wrote.", untranslated.TextContent);
        Assert.Equal("en", untranslated.GetAttribute("lang"));
        Assert.Equal("ltr", untranslated.GetAttribute("dir"));
        Assert.DoesNotContain(page.FindAll("#timeline .wa-timeline-note"), n => n.HasAttribute("lang") && !n.ClassList.Contains(CoreSentence.Untranslated));
    }

    [Fact]
    public async Task A_refusal_from_the_supervisor_is_said_in_Arabic_and_a_gateways_own_words_stay_set_apart()
    {
        var account = await Core.Fleet.AddAsync("Reception", "+972506200002", CancellationToken.None);
        var refused = await Core.Fleet.SendAsync(account.Id, new LinkCommand(LinkMode.None), CancellationToken.None);
        var sameServer = await Core.Fleet.MoveAsync(account.Id, account.WorkerId, CancellationToken.None);
        Speak("ar");
        var words = Context.Services.GetRequiredService<ConsoleText>();

        Assert.Equal(CommandOutcome.Refused, refused.Outcome);
        Assert.Equal("رُفض: اختر طريقة الربط: رمز QR أو رمز ربط.", words.Outcome(refused));
        Assert.Equal($"رُفض: الحساب موجود أصلًا على {Fsi}{account.WorkerId}{Pdi}.", words.Outcome(sameServer));
        Assert.Equal($"رُفض: {Fsi}WAHA Core holds only the session 'default'.{Pdi}",
            words.Outcome(new CommandResult(CommandOutcome.Refused, "WAHA Core holds only the session 'default'.")));
    }

    [Fact]
    public async Task Why_no_server_can_take_an_account_is_said_in_Hebrew_with_the_server_names_as_data()
    {
        var account = await Core.Fleet.AddAsync("Front desk", "+972506200004", CancellationToken.None);
        var nowhere = await Core.Fleet.MoveAsync(account.Id, "gw-nowhere", CancellationToken.None);
        Speak("he");
        var words = Context.Services.GetRequiredService<ConsoleText>();

        Assert.Equal(CommandOutcome.Refused, nowhere.Outcome);
        Assert.StartsWith("There is no server 'gw-nowhere'.", nowhere.Message, StringComparison.Ordinal);
        Assert.Equal($"נדחה: אין שרת בשם {Fsi}gw-nowhere{Pdi}. בחרו אחד מאלה: {Fsi}{account.WorkerId}{Pdi}.", words.Outcome(nowhere));
    }

    [Fact]
    public async Task The_audit_page_in_Indonesian_says_what_came_of_each_action()
    {
        var account = await Core.Fleet.AddAsync("Desk", "+972506200003", CancellationToken.None);
        var actions = Context.Services.GetRequiredService<OperatorActions>();
        var user = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.Name, "operator@example.test")], "test"));
        await actions.SendAsync(user, account.Id, new StopCommand(), CancellationToken.None);
        await Core.Services.GetRequiredService<AuditLog>().RecordAsync("admin@example.test", "note", null, "free text typed long ago");
        Speak("id");

        var page = Context.Render<AuditPage>();

        page.WaitForAssertion(() => Assert.Equal(2, page.FindAll("#audit .wa-audit-detail").Count), RenderPatience);
        var details = page.FindAll("#audit .wa-audit-detail");
        Assert.Equal("free text typed long ago", details[0].TextContent);
        Assert.Equal("en", details[0].GetAttribute("lang"));
        Assert.Equal("Selesai: Dihentikan. Klik Hubungkan ulang untuk menjalankannya lagi.", details[1].TextContent);
        Assert.Null(details[1].GetAttribute("lang"));
    }

    [Fact]
    public void The_outboxs_own_note_is_said_in_Hebrew_and_the_engines_error_inside_it_stays_as_it_came()
    {
        var now = Core.Time.GetUtcNow();
        var failed = new OutboxMessage
        {
            AccountId = "acc", To = PhoneNumber.Parse("+972500000009"), Text = "hi", CreatedAt = now, UpdatedAt = now,
            Status = OutboxStatus.Failed, Attempts = 3,
            Error = "Failed after 3 attempts; the last error: Recipient is not on WhatsApp",
        };
        Speak("he");
        var words = Context.Services.GetRequiredService<ConsoleText>();

        Assert.Equal($"נכשלה אחרי {Fsi}3{Pdi} ניסיונות; השגיאה האחרונה: {Fsi}Recipient is not on WhatsApp{Pdi} נסו שוב או בטלו אותה.",
            words.DescribeMessage(failed, null, now).Detail);
        Assert.Equal("לא נשלחה: החשבון לא היה מחובר ברגע השליחה. היא תצא אחרי שהחשבון יתחבר מחדש.",
            words.DescribeMessage(failed with { Status = OutboxStatus.Cancelled, Error = SendOutcomes.HeldNote }, null, now).Detail);
    }
}
