using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace WaDashboard.Tests.Gateways.Waha;

public sealed partial class FakeWahaServer
{
    // ------------------------------------------------------------------ shapes

    private FakeSession Get(string name) =>
        _sessions.TryGetValue(name, out var session) ? session : throw new InvalidOperationException($"The fake WAHA server has no session {name}.");

    /// <summary>A session as WAHA shows it; <c>engine</c> only in one session's GET (getSessionInfo), never in the list.</summary>
    private JsonObject Dto(FakeSession session, bool withEngine = true)
    {
        var dto = new JsonObject
        {
            ["name"] = session.Name,
            ["status"] = session.Status,
            ["config"] = session.Config.DeepClone(),
            // The account of a session that has a login, whatever its status but STOPPED (getSessionMeInfo reads the saved creds).
            ["me"] = session.Status != "STOPPED" && session.HasLogin ? Me(session) : null,
        };
        if (withEngine)
        {
            dto["engine"] = new JsonObject { ["engine"] = Engine };
        }

        return dto;
    }

    private static JsonObject? Me(FakeSession session) =>
        session.MeId is null ? null : new JsonObject { ["id"] = session.MeId, ["pushName"] = session.PushName };

    /// <summary>NestJS's NotFoundException('Session not found') (src/api/sessions.controller.ts).</summary>
    private static IResult NotFound(string name) =>
        Json(new JsonObject { ["statusCode"] = 404, ["message"] = "Session not found", ["error"] = "Not Found" }, 404);

    /// <summary>A call that needs the running session object (src/core/manager.core.ts, getSession).</summary>
    private static IResult NotRunning(string name) =>
        Json(new JsonObject
        {
            ["statusCode"] = 404,
            ["message"] = $"We didn't find a session with name '{name}'.\nPlease start it first by using POST /api/sessions/{name}/start request",
            ["error"] = "Not Found",
        }, 404);

    /// <summary>WAHA's answer when a wait for a status ran out (waitUntilStatus, src/core/abc/manager.abc.ts).</summary>
    private static IResult NotAsExpected(string name, string status, string expected) =>
        Json(new JsonObject
        {
            ["error"] = "Session status is not as expected. Try again later or restart the session",
            ["session"] = name,
            ["status"] = status,
            ["expected"] = new JsonArray(expected),
        }, 422);

    /// <summary>
    /// WAHA Core holds only the session "default"; any other name is refused with NestJS's 422
    /// (OnlyDefaultSessionIsAllowed, src/core/manager.core.ts).
    /// </summary>
    private IResult? RefuseNamed(string name)
    {
        if (!IsCore || name == "default")
        {
            return null;
        }

        var encoded = Convert.ToBase64String(Encoding.UTF8.GetBytes(name));
        return Json(new JsonObject
        {
            ["statusCode"] = 422,
            ["message"] = $"WAHA Core support only 'default' session. You tried to access '{name}' session (base64: {encoded}). " +
                          "If you want to run more then one WhatsApp account - please get WAHA PLUS version. Check this out: https://waha.devlike.pro/docs/how-to/waha-plus/",
            ["error"] = "Unprocessable Entity",
        }, 422);
    }

    /// <summary>
    /// WAHA's <c>waitUntilStatus</c> (src/core/abc/manager.abc.ts): up to 5 s for the session to be running, then up to
    /// 10 s for the expected status, on the injected clock; null when the session got there, else WAHA's 422 — for a
    /// session that does not exist at all <c>{error: "Session \"x\" does not exist", session}</c>, else
    /// <c>{error, session, status, expected}</c>.
    /// </summary>
    private async Task<IResult?> WaitUntilStatusAsync(string name, string expected, CancellationToken cancellationToken)
    {
        if (RefuseNamed(name) is { } refused)
        {
            return refused;
        }

        try
        {
            var running = await WaitUntilAsync(() => _sessions.TryGetValue(name, out var s) && s.Status != "STOPPED", RunningWait, cancellationToken);
            if (!running)
            {
                lock (_lock)
                {
                    return _sessions.ContainsKey(name)
                        ? NotAsExpected(name, "STOPPED", expected)
                        : Json(new JsonObject { ["error"] = $"Session \"{name}\" does not exist", ["session"] = name }, 422);
                }
            }

            if (await WaitUntilAsync(() => _sessions.TryGetValue(name, out var s) && s.Status == expected, StatusWait, cancellationToken))
            {
                return null;
            }

            lock (_lock)
            {
                return NotAsExpected(name, _sessions.TryGetValue(name, out var s) ? s.Status : "STOPPED", expected);
            }
        }
        catch (OperationCanceledException)
        {
            return Results.StatusCode(499);
        }
    }

    /// <summary>WAHA's WAIT_SESSION_RUNNING_TIMEOUT and WAIT_STATUS_TIMEOUT (src/core/abc/manager.abc.ts).</summary>
    public static readonly TimeSpan RunningWait = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan StatusWait = TimeSpan.FromSeconds(10);

    /// <summary>Waits on the injected clock until <paramref name="done"/> (checked under the lock) or the limit.</summary>
    private async Task<bool> WaitUntilAsync(Func<bool> done, TimeSpan limit, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var deadline = Task.Delay(limit, Time, stop.Token);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                if (done())
                {
                    return true;
                }

                changed = _statusChanged.Task;
            }

            if (await Task.WhenAny(changed, deadline) == deadline)
            {
                await deadline; // throws when cancelled
                lock (_lock)
                {
                    return done();
                }
            }
        }
    }

    /// <summary>The WEBJS <c>sendText</c> answer: whatsapp-web.js's Message, id object with <c>_serialized</c>.</summary>
    private static JsonObject WebjsMessage(FakeSession session, string chatId, string text, string key, string serialized) => new()
    {
        ["id"] = new JsonObject { ["fromMe"] = true, ["remote"] = chatId, ["id"] = key, ["_serialized"] = serialized },
        ["body"] = text,
        ["type"] = "chat",
        ["timestamp"] = NowMs() / 1000,
        ["from"] = session.MeId,
        ["to"] = chatId,
        ["ack"] = 0,
    };

    /// <summary>
    /// The NOWEB <c>sendText</c> answer: the raw Baileys WAMessage, its id only in <c>key.id</c> and the chat as
    /// <c>@s.whatsapp.net</c> (src/core/engines/noweb/session.noweb.core.ts, sendText returns sock.sendMessage's result).
    /// </summary>
    private static JsonObject NowebMessage(string chatId, string text, string key) => new()
    {
        ["key"] = new JsonObject { ["remoteJid"] = chatId.Replace("@c.us", "@s.whatsapp.net", StringComparison.Ordinal), ["fromMe"] = true, ["id"] = key },
        ["message"] = new JsonObject { ["extendedTextMessage"] = new JsonObject { ["text"] = text } },
        ["messageTimestamp"] = (NowMs() / 1000).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["status"] = "PENDING",
    };

    private static IResult Json(JsonNode? node, int status = 200) =>
        Results.Text(node?.ToJsonString(Compact) ?? "null", "application/json", Encoding.UTF8, status);

    private static async Task<JsonNode?> ReadAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }

    private static string NewQr() =>
        $"2@{Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))},{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))},{Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))},1";

    /// <summary>A lower-case ULID-like id (26 Crockford base-32 characters), as WAHA's event ids.</summary>
    private static string Ulid()
    {
        const string alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
        return new string(Enumerable.Range(0, 26).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
    }

    private static long NowMs() => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

}
