using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Configuration;
using WaDashboard.Core.Messaging;
using WaDashboard.Tests.EndToEnd;

namespace WaDashboard.Tests.Unit;

/// <summary>The Messaging settings: appsettings.json documents the real defaults, and bad values name the setting to fix.</summary>
public sealed class MessagingOptionsTests
{
    [Fact]
    public void Appsettings_json_carries_exactly_the_defaults_of_every_messaging_setting()
    {
        var file = Path.Combine(RepositoryLayout.Root(), "WaDashboard.Web", "appsettings.json");
        var section = new ConfigurationBuilder().AddJsonFile(file).Build().GetSection(MessagingOptions.Section);
        var documented = section.Get<MessagingOptions>()!;
        var defaults = new MessagingOptions();

        foreach (var property in typeof(MessagingOptions).GetProperties())
        {
            Assert.True(section[property.Name] is not null, $"appsettings.json does not document Messaging:{property.Name}");
            Assert.Equal(property.GetValue(defaults), property.GetValue(documented));
        }
    }

    [Theory]
    [InlineData("MaxSpacing", "00:00:10", "Messaging:MaxSpacing must be at least Messaging:MinSpacing.")]
    [InlineData("MinSpacing", "-00:00:01", "Messaging:MinSpacing cannot be negative.")]
    [InlineData("RampDelay", "-00:00:01", "Messaging:RampDelay and Messaging:RampDuration cannot be negative.")]
    [InlineData("RetryMaxDelay", "00:00:01", "Messaging:RetryBaseDelay must be positive and Messaging:RetryMaxDelay at least as long.")]
    [InlineData("DispatchTick", "00:00:00", "Messaging:SendTimeout and Messaging:DispatchTick must be positive.")]
    [InlineData("PerRecipientLimit", "0", "The field PerRecipientLimit must be between 1 and 100000.")]
    public void An_invalid_value_is_refused_with_a_message_naming_the_setting(string name, string value, string message)
    {
        var options = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [name] = value }).Build().Get<MessagingOptions>()!;
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        results.AddRange(options.Validate(new ValidationContext(options)));

        Assert.Contains(message, results.Select(r => r.ErrorMessage));
    }
}
