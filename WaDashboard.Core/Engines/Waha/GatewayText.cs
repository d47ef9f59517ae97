using WaDashboard.Core.Accounts;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>
/// What the dashboard itself says about a call to a gateway server that did not succeed (the messages of
/// <see cref="WahaException"/>, which become the server's last error). English for the REST API and the logs, each under
/// a code the console says in the person's language. Arguments are data: the server's id, the method and path, the
/// status, and the words of the gateway (its answer's body) or of the HTTP client (the network error), which stay as
/// they came. A breaker's note says the last error inside it.
/// </summary>
public static class GatewayText
{
    private const string ApiKeyHint = " Check the API key configured for this server (Gateways:Servers:N:ApiKey, sent as X-Api-Key).";
    private const string UnknownSessionHint = " The server does not know this session.";
    private const string StateHint = " The session is not in a state that allows this call.";

    public static readonly PhraseBook Book = new(
        ("Gateway.Answered", "Gateway {0}: {1} {2} answered {3}."),
        ("Gateway.AnsweredBody", "Gateway {0}: {1} {2} answered {3}: {4}."),
        ("Gateway.Answered.ApiKey", "Gateway {0}: {1} {2} answered {3}." + ApiKeyHint),
        ("Gateway.AnsweredBody.ApiKey", "Gateway {0}: {1} {2} answered {3}: {4}." + ApiKeyHint),
        ("Gateway.Answered.UnknownSession", "Gateway {0}: {1} {2} answered {3}." + UnknownSessionHint),
        ("Gateway.AnsweredBody.UnknownSession", "Gateway {0}: {1} {2} answered {3}: {4}." + UnknownSessionHint),
        ("Gateway.Answered.State", "Gateway {0}: {1} {2} answered {3}." + StateHint),
        ("Gateway.AnsweredBody.State", "Gateway {0}: {1} {2} answered {3}: {4}." + StateHint),
        ("Gateway.Network.MaybeSent", "Gateway {0}: {1} {2} failed on the network ({3}); the request may have reached the server."),
        ("Gateway.Network.NotSent", "Gateway {0}: {1} {2} failed on the network ({3}); no connection was made."),
        ("Gateway.Timeout", "Gateway {0}: {1} {2} got no answer within {3} s; the request may have reached the server."),
        ("Gateway.BreakerOpen", "Gateway {0} is not answering: {1} calls failed in a row, so calls are refused until {2} UTC without reaching it ({3} {4} was not sent)."),
        ("Gateway.BreakerOpen.LastError", "Gateway {0} is not answering: {1} calls failed in a row, so calls are refused until {2} UTC without reaching it ({3} {4} was not sent). Last error: {5}"));

    public static string Say(string code, params object?[] args) => Book.Say(code, args);
}
