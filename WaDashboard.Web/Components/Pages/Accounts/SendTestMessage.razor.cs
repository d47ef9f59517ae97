using Microsoft.AspNetCore.Components;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Messaging;
using WaDashboard.Web.Localization;

namespace WaDashboard.Web.Components.Pages.Accounts;

/// <summary>
/// Queues a test message for the account. It goes through the outbox like any other message: held until the account is
/// connected, then sent within the rate limits. What was typed stays when the input is refused.
/// </summary>
public partial class SendTestMessage
{

    private string _to = "";
    private string? _textTyped;

    /// <summary>A test message in the person's language until they type their own.</summary>
    private string MessageText { get => _textTyped ?? L["Messages.DefaultText"]; set => _textTyped = value; }
    private string? _toError;
    private string? _textError;
    private bool _busy;
    private string? _forAccount;

    [Parameter, EditorRequired] public AccountState Account { get; set; } = default!;

    /// <summary>Reports the outcome (message, ok) to the page.</summary>
    [Parameter] public EventCallback<(string Message, bool Ok)> OnMessage { get; set; }

    [Inject] private Core.Messaging.Outbox Outbox { get; set; } = default!;

    [Inject] private WaDashboard.Web.Security.OperatorActions Actions { get; set; } = default!;

    [Inject] private Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider Authentication { get; set; } = default!;

    private int Queued => Outbox.QueueDepth(Account.Id);

    protected override void OnParametersSet()
    {
        if (_forAccount != Account.Id)
        {
            _forAccount = Account.Id;
            _to = Account.Phone.Value; // "Message yourself": a safe first recipient
        }
    }

    private async Task SendAsync()
    {
        _busy = true;
        try
        {
            var user = (await Authentication.GetAuthenticationStateAsync()).User;
            EnqueueResult? result = null;
            if (!await Actions.TryActAsync(user, "message.send", Account.Id, async () =>
                {
                    result = await Outbox.EnqueueAsync(new OutboxRequest(Account.Id, _to, MessageText, null, null), CancellationToken.None);
                    return $"{result.Message.Id} to {result.Message.To.Masked} (test message)";
                }, CancellationToken.None))
            {
                await OnMessage.InvokeAsync((L["Common.ViewOnly"], false));
                return;
            }

            var message = result!.Message;
            await OnMessage.InvokeAsync((L[Account.IsConnected ? "Messages.Queued" : "Messages.QueuedUntilConnected",
                Bidi.Isolate(message.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), Bidi.Isolate(message.To.Value)].Value, true));
        }
        catch (MessageValidationException ex) when (ex.Field == "to")
        {
            _toError = PhoneProblem.Describe(L, _to, ex.Message);
        }
        catch (MessageValidationException)
        {
            _textError = L["Messages.TextInvalid"];
        }
        finally
        {
            _busy = false;
        }
    }
}
