using Microsoft.AspNetCore.Components;
using MudBlazor;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;
using Microsoft.AspNetCore.Components.Authorization;
using WaDashboard.Web.Security;

using WaDashboard.Web.Localization;

namespace WaDashboard.Web.Components.Pages.Accounts;

/// <summary>Validates as the person types; nothing they typed is lost when the server refuses it.</summary>
public partial class AddAccountDialog
{
    private string _name = "";
    private string _phone = "";
    private string? _nameError;
    private string? _phoneError;
    private string? _normalized;
    private bool _busy;
    private string? _serverError;

    // "" = automatic placement (the gateway with the most free capacity).
    private string _server = "";
    private IReadOnlyList<ServerChoice> _servers = [];

    private sealed record ServerChoice(string Id, int Used = 0, int? Capacity = null, bool Reachable = true);

    protected override void OnInitialized() =>
        _servers = [new(""), .. Fleet.WorkerLoads().Select(w => new ServerChoice(w.Id, w.Used, w.Capacity, w.Reachable))];

    private string ServerText(ServerChoice server) =>
        server.Id.Length == 0 ? L["AddAccount.Server.Automatic"]
        : server.Capacity is { } capacity
            ? L[server.Reachable ? "AddAccount.Server.Load" : "AddAccount.Server.LoadNotAnswering", Bidi.Isolate(server.Id), server.Used, capacity]
            : L["AddAccount.Server.Accounts", Bidi.Isolate(server.Id), server.Used];

    [Inject] private Fleet Fleet { get; set; } = default!;
    [CascadingParameter] private IMudDialogInstance Dialog { get; set; } = default!;
    [Inject] private OperatorActions Actions { get; set; } = default!;
    [Inject] private AuthenticationStateProvider Authentication { get; set; } = default!;

    private void OnNameChanged(string? value)
    {
        _name = value ?? "";
        _nameError = null;
    }

    private void OnPhoneChanged(string? value)
    {
        _phone = value ?? "";
        ValidatePhone(showEmpty: false);
    }

    private void Cancel() => Dialog.Cancel();

    private bool ValidatePhone(bool showEmpty)
    {
        _normalized = null;
        if (string.IsNullOrWhiteSpace(_phone) && !showEmpty)
        {
            _phoneError = null;
            return false;
        }

        if (PhoneNumber.TryParse(_phone, out var phone, out var error))
        {
            _phoneError = Fleet.Find(phone.Value) is not null ? L["AddAccount.Duplicate", Bidi.Isolate(phone.Value)].Value : null;
            _normalized = _phoneError is null ? phone.Value : null;
            return _phoneError is null;
        }

        _phoneError = PhoneProblem.Describe(L, _phone, error);
        return false;
    }

    private async Task SubmitAsync()
    {
        _nameError = string.IsNullOrWhiteSpace(_name) ? L["AddAccount.NameRequired"].Value : null;
        var phoneOk = ValidatePhone(showEmpty: true);
        if (_nameError is not null || !phoneOk)
        {
            return;
        }

        _busy = true;
        try
        {
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            var account = await Actions.AddAccountAsync(user, _name, _phone, string.IsNullOrEmpty(_server) ? null : _server, CancellationToken.None);
            Dialog.Close(DialogResult.Ok(account));
        }
        catch (UnauthorizedAccessException ex)
        {
            _nameError = ex.Message;
        }
        catch (AccountValidationException ex)
        {
            if (ex.Field == "name")
            {
                _nameError = ex.Message;
            }
            else if (ex.Field == "worker_id")
            {
                // Why no server can take it, in the person's language (the server names stay as data).
                _serverError = Words.Quoted(CommandReplies.Book, ex.Message);
                _nameError ??= _servers.Count > 1 ? null : _serverError;
            }
            else
            {
                _phoneError = ex.Message;
            }
        }
        catch (DuplicatePhoneException ex)
        {
            _phoneError = ex.Message;
        }
        finally
        {
            _busy = false;
        }
    }
}
