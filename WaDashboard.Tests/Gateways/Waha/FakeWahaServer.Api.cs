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
    // ------------------------------------------------------------------ the API

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            lock (_lock)
            {
                _requests.Add((context.Request.Method, context.Request.Path + context.Request.QueryString));
                _requestArrived.TrySetResult();
            }

            if (IsDown)
            {
                context.Abort();
                return;
            }

            if (Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(Delay, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            int? serverError = null;
            lock (_lock)
            {
                if (_serverErrors > 0)
                {
                    _serverErrors--;
                    serverError = _serverErrorStatus;
                }
            }

            if (serverError is { } status)
            {
                await Json(new JsonObject { ["statusCode"] = status, ["message"] = "Service Unavailable" }, status).ExecuteAsync(context);
                return;
            }

            if (context.Request.Headers["X-Api-Key"].ToString() != ApiKey)
            {
                await Json(new JsonObject { ["message"] = "Unauthorized", ["statusCode"] = 401 }, 401).ExecuteAsync(context);
                return;
            }

            await next(context);
        });

        // The list carries no engine (src/core/manager.core.ts, getSessions).
        app.MapGet("/api/sessions", (HttpRequest request) =>
        {
            var all = string.Equals(request.Query["all"], "true", StringComparison.OrdinalIgnoreCase);
            lock (_lock)
            {
                return Json(new JsonArray(_sessions.Values.Where(s => all || s.Status != "STOPPED").Select(s => (JsonNode?)Dto(s, withEngine: false)).ToArray()));
            }
        });

        app.MapPost("/api/sessions", async (HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            var name = body?["name"]?.GetValue<string>() ?? $"session_{Interlocked.Increment(ref _serial)}";
            if (RefuseNamed(name) is { } refused)
            {
                return refused;
            }

            lock (_lock)
            {
                if (_sessions.ContainsKey(name))
                {
                    return Json(new JsonObject { ["statusCode"] = 422, ["message"] = $"Session '{name}' already exists. Use PUT to update it.", ["error"] = "Unprocessable Entity" }, 422);
                }

                var session = new FakeSession(name) { Config = body?["config"] as JsonObject is { } config ? (JsonObject)config.DeepClone() : new JsonObject() };
                _sessions[name] = session;
                // `start` defaults to false (src/api/sessions.controller.ts, create: request.start || false).
                if (body?["start"]?.GetValue<bool>() ?? false)
                {
                    Start(session);
                }

                return Json(Dto(session, withEngine: true), 201);
            }
        });

        // One session, with its engine; an unknown one (on Core: any name but "default") is 404 "Session not found"
        // (src/api/sessions.controller.ts get; src/core/manager.core.ts getSessionInfo).
        app.MapGet("/api/sessions/{name}", (string name) =>
        {
            lock (_lock)
            {
                return _sessions.TryGetValue(name, out var session) && (!IsCore || name == "default")
                    ? Json(Dto(session, withEngine: true))
                    : Json(new JsonObject { ["statusCode"] = 404, ["message"] = "Session not found", ["error"] = "Not Found" }, 404);
            }
        });

        app.MapPut("/api/sessions/{name}", async (string name, HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            if (RefuseNamed(name) is { } refused)
            {
                return refused;
            }

            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session))
                {
                    return NotFound(name);
                }

                session.Config = body?["config"] as JsonObject is { } config ? (JsonObject)config.DeepClone() : new JsonObject();
                if (session.Status != "STOPPED")
                {
                    Stop(session);
                    Start(session);
                }

                return Json(Dto(session));
            }
        });

        app.MapDelete("/api/sessions/{name}", (string name) =>
        {
            lock (_lock)
            {
                if (_sessions.Remove(name, out var session))
                {
                    session.StartToken++;
                }

                return Results.Ok();
            }
        });

        app.MapPost("/api/sessions/{name}/{action}", (string name, string action) =>
        {
            if (RefuseNamed(name) is { } refused)
            {
                return refused;
            }

            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session))
                {
                    return NotFound(name);
                }

                switch (action)
                {
                    case "start":
                        // A running session (FAILED included: it is still held) is refused (src/core/manager.core.ts, start).
                        if (session.Status != "STOPPED")
                        {
                            return Json(new JsonObject { ["statusCode"] = 422, ["message"] = $"Session '{name}' is already started.", ["error"] = "Unprocessable Entity" }, 422);
                        }

                        Start(session);
                        break;
                    case "stop":
                        if (session.Status != "STOPPED")
                        {
                            Stop(session);
                        }

                        break;
                    case "restart":
                        if (session.Status != "STOPPED")
                        {
                            Stop(session);
                        }

                        Start(session);
                        break;
                    case "logout":
                        session.HasLogin = false;
                        session.MeId = null;
                        session.PushName = null;
                        if (session.Status != "STOPPED")
                        {
                            // WAHA: a running session is logged out and started from scratch.
                            Stop(session);
                            Start(session);
                        }

                        break;
                    default:
                        return Results.NotFound();
                }

                return Json(Dto(session), 201);
            }
        });

        // Needs a running session, else 404 (SessionParam → manager.getSession, src/core/manager.core.ts).
        app.MapGet("/api/sessions/{name}/me", (string name) =>
        {
            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session) || session.Status == "STOPPED")
                {
                    return NotRunning(name);
                }

                return Json(session.Status == "WORKING" ? Me(session) : null);
            }
        });

        app.MapGet("/api/{session}/auth/qr", async (string session, HttpRequest request) =>
        {
            if (await WaitUntilStatusAsync(session, "SCAN_QR_CODE", request.HttpContext.RequestAborted) is { } notReady)
            {
                return notReady;
            }

            lock (_lock)
            {
                if (!_sessions.TryGetValue(session, out var found) || found.Qr is null)
                {
                    return NotAsExpected(session, found?.Status ?? "STOPPED", "SCAN_QR_CODE");
                }

                return request.Query["format"] == "raw"
                    ? Json(new JsonObject { ["value"] = found.Qr })
                    : Results.Bytes(Encoding.UTF8.GetBytes(found.Qr), "image/png");
            }
        });

        app.MapPost("/api/{session}/auth/request-code", async (string session, HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            if (await WaitUntilStatusAsync(session, "SCAN_QR_CODE", request.HttpContext.RequestAborted) is { } notReady)
            {
                return notReady;
            }

            lock (_lock)
            {
                if (!_sessions.TryGetValue(session, out var found) || found.Status != "SCAN_QR_CODE")
                {
                    return NotAsExpected(session, found?.Status ?? "STOPPED", "SCAN_QR_CODE");
                }

                var phone = body?["phoneNumber"]?.GetValue<string>() ?? "";
                if (phone.Length == 0 || !phone.All(char.IsAsciiDigit))
                {
                    return Json(new JsonObject { ["statusCode"] = 400, ["message"] = new JsonArray("phoneNumber must be digits"), ["error"] = "Bad Request" }, 400);
                }

                _pairingRequests.Add(phone);
                const string alphabet = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";
                var code = new string(Enumerable.Range(0, 8).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray());
                return Json(new JsonObject { ["code"] = $"{code[..4]}-{code[4..]}" });
            }
        });

        app.MapPost("/api/sendText", async (HttpRequest request) =>
        {
            var body = await ReadAsync(request);
            var name = body?["session"]?.GetValue<string>() ?? "default";
            var chatId = body?["chatId"]?.GetValue<string>() ?? "";
            var text = body?["text"]?.GetValue<string>() ?? "";
            if (await WaitUntilStatusAsync(name, "WORKING", request.HttpContext.RequestAborted) is { } notReady)
            {
                return notReady;
            }

            lock (_lock)
            {
                if (!_sessions.TryGetValue(name, out var session) || session.Status != "WORKING")
                {
                    return NotAsExpected(name, session?.Status ?? "STOPPED", "WORKING");
                }

                var key = "3EB0" + Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
                // The id WAHA puts in message.ack: {fromMe}_{chat in @c.us form}_{key id} (buildMessageId, src/core/utils/ids.ts).
                var serialized = $"true_{chatId}_{key}";
                _sent.Add((name, chatId, text, serialized));
                return Json(Engine == "WEBJS" ? WebjsMessage(session, chatId, text, key, serialized) : NowebMessage(chatId, text, key), 201);
            }
        });
    }
}
