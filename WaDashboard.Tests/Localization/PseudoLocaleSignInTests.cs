using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WaDashboard.Web.Components.Pages.Security;
using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Localization;

/// <summary>
/// The pseudo-locale over the sign-in and first-run pages: their labels, the form's validation messages, the invalid
/// setup link, and Identity's password rules (said by the app's localized describer) all come from the resources.
/// </summary>
public sealed partial class PseudoLocaleTests
{
    private void AddIdentity()
    {
        Context.Services.AddLogging();
        Context.Services.AddHttpContextAccessor();
        Context.Services.AddAuthentication();
        Context.Services.AddDbContext<SecurityDbContext>(options => options.UseSqlite($"Data Source={Path.Combine(DataFolder, "security.db")}"));
        Context.Services.AddIdentityCore<DashboardUser>(identity =>
            {
                identity.Password.RequiredLength = 12;
                identity.Password.RequireNonAlphanumeric = false;
                identity.Password.RequireUppercase = false;
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<SecurityDbContext>()
            .AddSignInManager()
            .AddErrorDescriber<LocalizedIdentityErrors>();
        Context.Services.AddOptions<SecurityOptions>();
        Context.Services.AddSingleton<AuthThrottle>();
        Context.Services.AddScoped<PasswordSignIn>();
        Context.Services.AddSingleton<FirstRunSetup>();
    }

    [Fact]
    public async Task Every_word_of_the_sign_in_and_first_run_pages_comes_from_the_resources()
    {
        AddIdentity();
        await using (var scope = Context.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<SecurityDbContext>().Database.EnsureCreatedAsync();
        }

        var problems = new List<string>();
        var login = Context.Render<Login>();
        Check("Login", login, problems);
        await login.Find("#login-form").SubmitAsync();
        login.WaitForAssertion(() => Assert.NotEmpty(login.FindAll(".validation-message")), RenderPatience);
        Check("Login, nothing typed", login, problems);
        await Context.DisposeComponentsAsync();

        var invalid = Context.Render<FirstAdminSetup>();
        invalid.WaitForAssertion(() => Assert.NotEmpty(invalid.FindAll("#setup-invalid")), RenderPatience);
        Check("First run, no link", invalid, problems);
        await Context.DisposeComponentsAsync();

        var (token, _) = Context.Services.GetRequiredService<FirstRunSetup>().Issue();
        Context.Services.GetRequiredService<NavigationManager>().NavigateTo($"/account/setup?token={token}");
        var setup = Context.Render<FirstAdminSetup>();
        setup.WaitForAssertion(() => Assert.NotEmpty(setup.FindAll("#setup-form")), RenderPatience);
        Check("First run", setup, problems);
        await setup.Find("#setup-form").SubmitAsync();
        setup.WaitForAssertion(() => Assert.NotEmpty(setup.FindAll(".validation-message")), RenderPatience);
        Check("First run, nothing typed", setup, problems);
        setup.Find("#setup-email").Change("first@example.test");
        setup.Find("#setup-password").Change("short");
        setup.Find("#setup-confirm").Change("short");
        await setup.Find("#setup-form").SubmitAsync();
        setup.WaitForAssertion(() => Assert.True(setup.FindAll("#setup-errors li").Count >= 2), RenderPatience);
        Check("First run, weak password", setup, problems);

        Assert.True(problems.Count == 0, "Not from the resources:\n" + string.Join("\n", problems.Distinct()));
        Assert.Empty(MarkingLocalizerFactory.Missing);
    }
}
