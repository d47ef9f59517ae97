using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace WaDashboard.Core.Engines.Simulator;

/// <summary>What a person (or a test) does to the simulated phone: read what it received, scan the QR code, inject a fault.</summary>
public sealed partial class SimulatorEngine
{
    public IReadOnlyList<SimulatedMessage> ReceivedMessages(string accountId)
    {
        lock (_gate)
        {
            return _messages.TryGetValue(accountId, out var list) ? list.ToArray() : [];
        }
    }

    /// <summary>The simulated phone scans the QR on screen or confirms the pairing code. Returns an error, or null.</summary>
    public string? Scan(string accountId)
    {
        lock (_gate)
        {
            if (!_sessions.TryGetValue(accountId, out var session) || session.Phase is not (Phase.AwaitingQr or Phase.AwaitingPairing))
            {
                return "There is no QR code or pairing code waiting for this account. Ask for one first (Link with QR or pairing code).";
            }

            var request = session.Request;
            session.DeviceId = Guid.NewGuid().ToString("N");
            BaileysAuthFolder.Write(request.Folder, request.PhoneDigits, session.DeviceId, _options.PreKeyFiles);
            session.Phase = Phase.Authenticating;
            Emit(new Authenticated(request.AccountId, request.Generation));
            // As after a real pairing, the server closes the stream and asks for a restart with the new login.
            Arm(session, _options.StartDelay, s => End(s, "515", "Stream Errored (restart required)"));
            return null;
        }
    }

    /// <summary>Injects a fault. Returns an error a person can act on, or null.</summary>
    public string? InjectFault(string accountId, SimulatorFault fault)
    {
        lock (_gate)
        {
            _sessions.TryGetValue(accountId, out var session);
            switch (fault.Kind)
            {
                case SimulatorFaultKind.SlowStart:
                    _slowStarts[accountId] = fault.Delay ?? TimeSpan.FromSeconds(60);
                    return null;
                case SimulatorFaultKind.Zombie:
                    if (session is not { Phase: Phase.Connected })
                    {
                        return "Only a connected session can turn into a zombie.";
                    }

                    session.Zombie = true;
                    return null;
                case SimulatorFaultKind.RejectSends or SimulatorFaultKind.SendTimeout:
                    _sendFaults[accountId] = (fault.Kind, Math.Max(1, fault.Count ?? 1), fault.Code, fault.Text);
                    return null;
                case SimulatorFaultKind.LoseSession:
                    if (session is null)
                    {
                        return "This account has no live session in the simulator to lose.";
                    }

                    // Like a crashed browser whose disconnect webhook never arrives: no event at all.
                    Close(accountId);
                    return null;
                case SimulatorFaultKind.Ban:
                    _bans[accountId] = fault.Until;
                    if (session is not null)
                    {
                        Close(accountId);
                        Emit(new TemporaryBanned(accountId, session.Request.Generation, fault.Code ?? "101", fault.Until));
                    }

                    return null;
                case SimulatorFaultKind.Corrupt:
                    if (!_lastFolders.TryGetValue(accountId, out var folder) || !BaileysAuthFolder.Truncate(folder))
                    {
                        return "This account has no creds.json to corrupt yet: link it first.";
                    }

                    if (session is not null)
                    {
                        End(session, fault.Code ?? "500", fault.Text ?? "Bad MAC: creds.json is unreadable (badSession)");
                    }

                    return null;
            }

            if (session is null || session.Phase is Phase.AwaitingQr or Phase.AwaitingPairing && fault.Kind != SimulatorFaultKind.Drop)
            {
                return session is null
                    ? "This account has no live session in the simulator; start or link it first."
                    : "The account is still waiting to be linked; only a drop can be simulated now.";
            }

            switch (fault.Kind)
            {
                case SimulatorFaultKind.Drop:
                    End(session, fault.Code ?? "428", fault.Text ?? "Connection Closed");
                    break;
                case SimulatorFaultKind.Logout:
                    if (session.DeviceId is { } device)
                    {
                        _revokedDevices.Add(device);
                    }

                    End(session, fault.Code ?? "401", fault.Text ?? "Stream Errored (conflict): device_removed");
                    break;
                case SimulatorFaultKind.Replace:
                    End(session, fault.Code ?? "440", fault.Text ?? "Stream Errored (conflict): replaced");
                    break;
            }

            return null;
        }
    }
}
