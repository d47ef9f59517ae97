using WaDashboard.Core;
using WaDashboard.Web.Hosting;

if (CleanupCommand.IsRequested(args))
{
    return await CleanupCommand.RunAsync(args);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddWaDashboardHosting();
builder.Services.AddWaDashboardCore(builder.Configuration);
builder.Services.AddWaDashboardWeb(builder.Configuration);

var app = builder.Build();
app.UseWaDashboard();
app.Run();
return 0;

/// <summary>Visible to the HTTP tests.</summary>
public partial class Program;
