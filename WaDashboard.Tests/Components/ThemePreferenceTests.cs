using System.Security.Claims;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using WaDashboard.Tests.Support;
using WaDashboard.Web.Components.Layout;
using WaDashboard.Web.Security;

using WaDashboard.Web.Localization;

namespace WaDashboard.Tests.Components;

/// <summary>
/// The light/dark choice over real Identity on SQLite: a user's choice is a claim on their user row (a table every
/// provider's Identity schema has), an API-key caller's choice stays in the browser's local storage, and the layout
/// starts in the remembered theme.
/// </summary>
public sealed class ThemePreferenceTests : IAsyncLifetime
{
    private readonly TempDirectory _data = new("wadash-theme");
    private readonly BunitContext _context = new();
    private DashboardUser _user = null!;
    private BunitAuthorizationContext _authorization = null!;

    public async Task InitializeAsync()
    {
        _context.JSInterop.Mode = JSRuntimeMode.Strict;
        _context.Services.AddLogging();
        _context.Services.AddDbContext<SecurityDbContext>(options => options.UseSqlite($"Data Source={Path.Combine(_data.Path, "security.db")}"));
        _context.Services.AddIdentityCore<DashboardUser>().AddRoles<IdentityRole>().AddEntityFrameworkStores<SecurityDbContext>();
        _context.Services.AddThemePreference();
        _context.Services.AddSingleton(new WaDashboard.Core.Persistence.DatabaseHealth(TimeProvider.System));
        _context.Services.AddMudServices();
        _context.Services.AddWaDashboardLocalization();
        _authorization = _context.AddAuthorization();

        await using var scope = _context.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<SecurityDbContext>().Database.EnsureCreatedAsync();
        _user = new DashboardUser { UserName = "ops@example.test", Email = "ops@example.test" };
        Assert.True((await scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>().CreateAsync(_user, "A password 42!")).Succeeded);
    }

    public async Task DisposeAsync()
    {
        await _context.DisposeComponentsAsync();
        await _context.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    private ThemePreference Preference => _context.Services.GetRequiredService<ThemePreference>();

    /// <summary>What the sign-in cookie carries for a password user (Identity's default claim types).</summary>
    private ClaimsPrincipal SignedIn(DashboardUser user) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.UserName!)], IdentityConstants.ApplicationScheme));

    /// <summary>What <see cref="ApiKeyAuthenticationHandler"/> makes of a key: a name and a role, no user row.</summary>
    private static ClaimsPrincipal ApiKey() => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "api-key:night shift"), new Claim(ClaimTypes.Role, Roles.Operator)], ApiKeyAuthenticationHandler.SchemeName));

    private async Task<IList<Claim>> StoredClaimsAsync()
    {
        await using var scope = _context.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        return await users.GetClaimsAsync((await users.FindByIdAsync(_user.Id))!);
    }

    [Fact]
    public async Task A_users_choice_is_one_claim_on_their_row_replaced_when_they_switch_and_never_touches_the_browser()
    {
        var person = SignedIn(_user);
        Assert.Null(await Preference.ReadAsync(person));

        await Preference.SaveAsync(person, dark: true);
        Assert.True(await Preference.ReadAsync(person));
        Assert.Equal(("wadashboard:theme", "dark"), Assert.Single(await StoredClaimsAsync()) is var c ? (c.Type, c.Value) : default);

        await Preference.SaveAsync(person, dark: false);
        Assert.False(await Preference.ReadAsync(person));
        Assert.Equal("light", Assert.Single(await StoredClaimsAsync()).Value);

        // Strict JS interop: any call to local storage would have thrown.
        Assert.Empty(_context.JSInterop.Invocations);
    }

    [Fact]
    public async Task An_api_key_callers_choice_is_kept_in_the_browser_and_read_back_from_it()
    {
        var caller = ApiKey();
        _context.JSInterop.SetupVoid("localStorage.setItem", ThemePreference.StorageKey, "dark").SetVoidResult();
        _context.JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult("dark");

        await Preference.SaveAsync(caller, dark: true);

        _context.JSInterop.VerifyInvoke("localStorage.setItem");
        Assert.Null(await Preference.ReadAsync(caller));
        Assert.True(await Preference.ReadFromBrowserAsync());
        Assert.Empty(await StoredClaimsAsync());
    }

    [Fact]
    public async Task The_layout_starts_dark_for_a_user_who_chose_dark_and_for_an_api_key_caller_whose_browser_did()
    {
        await Preference.SaveAsync(SignedIn(_user), dark: true);
        _context.JSInterop.Mode = JSRuntimeMode.Loose;
        _context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var authorization = _authorization;
        authorization.SetAuthorized(_user.UserName!);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, _user.Id));

        var layout = _context.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page"))));
        Assert.Equal("dark", layout.Find(".wa-layout").GetAttribute("data-theme"));
        await _context.DisposeComponentsAsync();

        authorization.SetAuthorized("api-key:night shift");
        authorization.SetClaims();
        _context.JSInterop.Setup<string?>("localStorage.getItem", ThemePreference.StorageKey).SetResult("dark");
        var keyLayout = _context.Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page"))));
        keyLayout.WaitForAssertion(() => Assert.Equal("dark", keyLayout.Find(".wa-layout").GetAttribute("data-theme")));
    }
}
