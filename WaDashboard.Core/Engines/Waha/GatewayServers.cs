using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Engines.Gateways;

namespace WaDashboard.Core.Engines.Waha;

/// <summary>One engine per configured gateway server (WAHA), created once from "Gateways:Servers" and owned here.</summary>
public sealed class GatewayServers : IDisposable
{
    private readonly List<WahaEngine> _engines;

    public GatewayServers(IOptions<GatewayOptions> options, IHttpClientFactory http, TimeProvider time, ILoggerFactory loggers)
    {
        _engines = options.Value.Servers
            .Select(server => new WahaEngine(server, options, http.CreateClient(HttpClientName), time, loggers.CreateLogger<WahaEngine>()))
            .ToList();
    }

    public const string HttpClientName = "gateways";

    public IReadOnlyList<IGatewayServer> All => _engines;

    public void Dispose()
    {
        foreach (var engine in _engines)
        {
            engine.Dispose();
        }
    }
}
