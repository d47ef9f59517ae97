using WaDashboard.Core;
using WaDashboard.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddWaDashboardLogging();
builder.Services.AddWaDashboardCore(builder.Configuration);
builder.Services.AddWaDashboardWeb(builder.Configuration);

var app = builder.Build();
app.UseWaDashboard();
app.Run();

/// <summary>Visible to the HTTP tests.</summary>
public partial class Program;
