using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Core.Engines.Workers;

/// <summary>
/// Where sessions run: the embedded simulator, or one gateway server. Every account is placed on one worker (its
/// <c>worker_id</c>); the worker's engine drives that account's session.
/// </summary>
public sealed record EngineWorker(string Id, string Kind, IWhatsAppEngine Engine, int? Capacity, string? Url)
{
    public const string SimulatorId = "simulator";

    public IGatewayServer? Gateway => Engine as IGatewayServer;

    /// <summary>The session lives on a remote server, not in a local folder.</summary>
    public bool IsRemote => Gateway is not null;

    public static EngineWorker ForGateway(IGatewayServer gateway) =>
        new(gateway.Server.Id, gateway.Server.Kind, gateway, gateway.Server.Capacity, gateway.Server.Url);
}

/// <summary>An account's placement was refused or its worker cannot be used; the message says what to do.</summary>
public sealed class WorkerUnavailableException(string message) : InvalidOperationException(message);
