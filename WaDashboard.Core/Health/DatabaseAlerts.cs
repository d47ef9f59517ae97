using Microsoft.Extensions.Hosting;
using WaDashboard.Core.Persistence;
using WaDashboard.Core.Sessions;

namespace WaDashboard.Core.Health;

/// <summary>
/// Raises an alert (dashboard list and alert webhook) when the database stops taking writes, and another when it takes
/// them again, so a failing database is noticed by the people who get alerts, not only by whoever opens a page.
/// </summary>
public sealed class DatabaseAlerts(DatabaseHealth health, FleetEvents events, TimeProvider time) : IHostedService
{
    public const string Source = "Database";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        health.Changed += OnChanged;
        return Task.CompletedTask;
    }

    private readonly object _lock = new();
    private bool _couldWrite = true;

    private void OnChanged(DatabaseHealthState state)
    {
        lock (_lock)
        {
            if (_couldWrite == state.CanWrite)
            {
                return;
            }

            _couldWrite = state.CanWrite;
        }

        events.Publish(new AlertRaised("", Source, state.CanWrite
            ? "The database takes writes again."
            : $"The database cannot take writes: {state.Problem} Writes are refused (503) until it recovers.", time.GetUtcNow()));
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        health.Changed -= OnChanged;
        return Task.CompletedTask;
    }
}
