using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using WaDashboard.Web.Security;

namespace WaDashboard.Web.Components.Pages.Admin;

public partial class UsersPage
{
    private sealed record UserRow(string Id, string Email, string Role, DateTimeOffset? LockedUntil);

    private IReadOnlyList<UserRow> _users = [];
    private string _email = "";
    private string _password = "";
    private string _role = Roles.Operator;
    private string? _message;
    private bool _ok;
    private string? _me;

    [Inject] private UserManager<DashboardUser> Users { get; set; } = default!;
    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _me = (await Authentication.GetAuthenticationStateAsync()).User.Identity?.Name;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var rows = new List<UserRow>();
        foreach (var user in await Users.Users.OrderBy(u => u.Email).ToListAsync())
        {
            var roles = await Users.GetRolesAsync(user);
            rows.Add(new UserRow(user.Id, user.Email ?? user.UserName ?? "", string.Join(", ", roles), user.LockoutEnd > DateTimeOffset.UtcNow ? user.LockoutEnd : null));
        }

        _users = rows;
    }

    private async Task AddAsync()
    {
        var principal = (await Authentication.GetAuthenticationStateAsync()).User;
        if (!await Actions.CanAsync(principal, Policies.Administer))
        {
            (_message, _ok) = (L["Users.OnlyAdmin"], false);
            return;
        }

        var user = new DashboardUser { UserName = _email.Trim(), Email = _email.Trim(), EmailConfirmed = true };
        var created = await Users.CreateAsync(user, _password);
        if (!created.Succeeded)
        {
            (_message, _ok) = (string.Join(" ", created.Errors.Select(e => e.Description)), false);
            return;
        }

        await Users.AddToRoleAsync(user, _role);
        await Actions.RecordAsync(principal, "user.create", $"{user.Email} as {_role}", CancellationToken.None);
        (_message, _ok) = (L["Users.Added", Localization.Bidi.Isolate(user.Email ?? ""), L[$"Role.{_role}"]], true);
        _email = _password = "";
        await LoadAsync();
    }

    private async Task RemoveAsync(string id)
    {
        var principal = (await Authentication.GetAuthenticationStateAsync()).User;
        if (!await Actions.CanAsync(principal, Policies.Administer) || await Users.FindByIdAsync(id) is not { } user || user.Email == _me)
        {
            return;
        }

        await Users.DeleteAsync(user);
        await Actions.RecordAsync(principal, "user.delete", user.Email, CancellationToken.None);
        (_message, _ok) = (L["Users.Removed", Localization.Bidi.Isolate(user.Email ?? "")], true);
        await LoadAsync();
    }
}
