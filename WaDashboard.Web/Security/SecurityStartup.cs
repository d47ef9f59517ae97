using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace WaDashboard.Web.Security;

/// <summary>Applies the security migrations, makes sure the roles exist, and — while there is no user — prints the one-time setup link.</summary>
public sealed class SecurityStartup(IServiceProvider services, FirstRunSetup setup, IServer server, IHostApplicationLifetime lifetime, ILogger<SecurityStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<SecurityDbContext>();
        await WaDashboard.Core.Persistence.PreviousMigrations.AdoptAsync(db, WaDashboard.Core.Persistence.PreviousMigrations.Security, logger, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new IdentityRole(role));
            }
        }

        if (await db.Users.AnyAsync(cancellationToken))
        {
            return;
        }

        var (token, expiresAt) = setup.Issue();
        lifetime.ApplicationStarted.Register(() =>
        {
            var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
            // The link is a credential: it goes to the console only, never to a log sink (files, collectors).
            logger.LogWarning("No users yet: the one-time link that creates the first admin is printed on the console (valid until {ExpiresAt:u}). Restart to get a new link.", expiresAt);
            Console.Out.WriteLine($"No users yet. Create the first admin at {address.TrimEnd('/')}/account/setup?token={token} (works once, valid until {expiresAt:u}). Restart to get a new link.");
            Console.Out.Flush();
        });
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
