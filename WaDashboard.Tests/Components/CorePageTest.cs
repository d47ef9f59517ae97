using Bunit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using WaDashboard.Tests.Support;
using WaDashboard.Web.Localization;

namespace WaDashboard.Tests.Components;

/// <summary>
/// A page rendered by bUnit over the real Core (<see cref="CoreHarness"/>: fleet, simulator, SQLite on a temp folder,
/// fake clock), with MudBlazor's services. MudBlazor's components call JavaScript only for layout, focus and scrolling;
/// loose JS interop answers those calls with defaults. The context is held and disposed in <see cref="DisposeAsync"/>,
/// because a MudBlazor service is async-disposable only.
/// </summary>
public abstract class CorePageTest(string folderPrefix) : IAsyncLifetime
{
    protected static readonly TimeSpan RenderPatience = TimeSpan.FromSeconds(10);

    private readonly TempDirectory _data = new(folderPrefix);

    protected BunitContext Context { get; } = new();

    protected CoreHarness Core { get; private set; } = null!;

    /// <summary>The test's own folder (the Core's data lives under it too).</summary>
    protected string DataFolder => _data.Path;

    /// <summary>Configuration over the harness's defaults, e.g. "Messaging:MinSpacing".</summary>
    protected virtual IDictionary<string, string?>? CoreSettings => null;

    public async Task InitializeAsync()
    {
        Core = await CoreHarness.StartAsync(_data.Path, settings: CoreSettings);
        Context.JSInterop.Mode = JSRuntimeMode.Loose;
        Context.Services.AddMudServices();
        Context.Services.AddWaDashboardLocalization();
        Context.Services.AddSingleton(Core.Events);
        Context.Services.AddSingleton<TimeProvider>(Core.Time);
        SetUp(Context.Services);
    }

    /// <summary>The page's own services (from the Core or the Web) and whatever must be rendered before the page.</summary>
    protected abstract void SetUp(IServiceCollection services);

    /// <summary>Signs the page's user in as an operator, with the operator actions the pages call.</summary>
    protected void SignInAsOperator()
    {
        Context.Services.AddSingleton(Core.Services.GetRequiredService<WaDashboard.Core.Audit.AuditLog>());
        Context.Services.AddScoped<WaDashboard.Web.Security.OperatorActions>();
        var authorization = Context.AddAuthorization();
        authorization.SetAuthorized("operator@example.test");
        authorization.SetRoles(WaDashboard.Web.Security.Roles.Operator);
        authorization.SetPolicies(WaDashboard.Web.Security.Policies.Operate);
    }

    public async Task DisposeAsync()
    {
        await Context.DisposeComponentsAsync();
        await Context.DisposeAsync();
        await Core.DisposeAsync();
        SqliteConnection.ClearAllPools();
        _data.Dispose();
    }
}
