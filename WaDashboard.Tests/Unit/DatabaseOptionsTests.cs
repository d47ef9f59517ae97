using Microsoft.Extensions.Options;
using WaDashboard.Core.Persistence;
using WaDashboard.Tests.Support;

namespace WaDashboard.Tests.Unit;

public sealed class DatabaseOptionsTests
{
    [Theory]
    [InlineData("Sqlite", "", null)]
    [InlineData("sqlite", "Data Source=/srv/wadashboard/wadashboard.db", null)]
    [InlineData("Postgres", "Host=db;Database=wadashboard;Username=w;Password=p", null)]
    [InlineData("SqlServer", "Server=db;Database=WaDashboard;User Id=w;Password=p;TrustServerCertificate=True", null)]
    [InlineData("MySql", "", "Database:Provider is \"MySql\"; it must be Sqlite")]
    [InlineData("1", "", "Database:Provider is \"1\"")]
    [InlineData("Postgres", "", "ConnectionStrings:WaDashboard must say where the server is, e.g. \"Host=")]
    [InlineData("SqlServer", " ", "ConnectionStrings:WaDashboard must say where the server is, e.g. \"Server=")]
    [InlineData("Postgres", "Hots=db;Database=x", "ConnectionStrings:WaDashboard is not a valid Postgres connection string")]
    [InlineData("SqlServer", "Server=db;Colour=blue", "ConnectionStrings:WaDashboard is not a valid SqlServer connection string")]
    public void The_provider_and_its_connection_string_are_checked_with_a_message_that_says_what_to_set(string provider, string connectionString, string? expected)
    {
        var options = new DatabaseOptions { Provider = provider, ConnectionString = connectionString };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();
        System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true);

        if (expected is null)
        {
            Assert.Empty(results);
        }
        else
        {
            Assert.Contains(expected, Assert.Single(results).ErrorMessage);
        }
    }

    [Theory]
    [InlineData("Database:Provider", "Oracle", "Database:Provider is \"Oracle\"")]
    [InlineData("Persistence:ConnectionString", "Data Source=old.db", "Persistence:ConnectionString has moved: put the connection string in ConnectionStrings:WaDashboard")]
    public async Task The_app_does_not_start_on_database_settings_it_cannot_use(string key, string value, string expected)
    {
        using var dir = new TempDirectory("dbsettings");
        var refused = await Assert.ThrowsAsync<OptionsValidationException>(() => CoreHarness.StartAsync(dir.Path, settings: new Dictionary<string, string?> { [key] = value }));
        Assert.Contains(expected, refused.Message);
    }
}
