using System.Collections.Concurrent;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.Options;

namespace WaDashboard.Web.Security;

/// <summary>Counts open circuits (tabs) per user across the process.</summary>
public sealed class CircuitCounter
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    public int Open(string user) => _open.AddOrUpdate(user, 1, (_, n) => n + 1);

    public void Close(string user) => _open.AddOrUpdate(user, 0, (_, n) => Math.Max(0, n - 1));

    public int Count(string user) => _open.TryGetValue(user, out var n) ? n : 0;
}

/// <summary>Refuses a circuit beyond Security:MaxCircuitsPerUser for the same user.</summary>
public sealed class CircuitLimiter(CircuitCounter counter, AuthenticationStateProvider authentication, IOptions<SecurityOptions> options, ILogger<CircuitLimiter> logger)
    : CircuitHandler
{
    private string? _user;

    public override async Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        var state = await authentication.GetAuthenticationStateAsync();
        var user = state.User.Identity?.Name ?? "anonymous";
        var open = counter.Open(user);
        _user = user;
        if (open > options.Value.MaxCircuitsPerUser)
        {
            logger.LogWarning("Refused circuit {Circuit} for {User}: {Open} open, limit {Limit}", circuit.Id, user, open, options.Value.MaxCircuitsPerUser);
            throw new InvalidOperationException($"Too many open dashboard tabs for {user} (limit {options.Value.MaxCircuitsPerUser}). Close some tabs and reload.");
        }
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        if (_user is not null)
        {
            counter.Close(_user);
            _user = null;
        }

        return Task.CompletedTask;
    }
}
