using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Components.Pages.Admin;

public partial class ApiKeysPage
{
    private IReadOnlyList<ApiKeyInfo> _keys = [];
    private string _name = "";
    private string _role = Roles.Operator;
    private string? _created;
    private string? _error;

    [Inject] private ApiKeyService Keys { get; set; } = default!;
    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    protected override async Task OnInitializedAsync() => _keys = await Keys.ListAsync(CancellationToken.None);

    private async Task CreateAsync()
    {
        (_created, _error) = (null, null);
        var principal = (await Authentication.GetAuthenticationStateAsync()).User;
        if (!await Actions.CanAsync(principal, Policies.Administer))
        {
            _error = L["Keys.OnlyAdmin"];
            return;
        }

        try
        {
            var (info, key) = await Keys.CreateAsync(_name, _role, OperatorActions.Actor(principal), CancellationToken.None);
            await Actions.RecordAsync(principal, "apikey.create", $"{info.Name} ({info.Role})", CancellationToken.None);
            _created = key;
            _name = "";
        }
        catch (ArgumentException ex)
        {
            _error = ex.Message.Split(" (Parameter")[0];
        }

        _keys = await Keys.ListAsync(CancellationToken.None);
    }

    private async Task RevokeAsync(ApiKeyInfo key)
    {
        var principal = (await Authentication.GetAuthenticationStateAsync()).User;
        if (!await Actions.CanAsync(principal, Policies.Administer))
        {
            return;
        }

        await Keys.RevokeAsync(key.Id, CancellationToken.None);
        await Actions.RecordAsync(principal, "apikey.revoke", key.Name, CancellationToken.None);
        _keys = await Keys.ListAsync(CancellationToken.None);
    }
}
