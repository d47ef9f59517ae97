using Microsoft.Playwright;
using WaDashboard.Tests.EndToEnd;

namespace WaDashboard.Tests.Observability;

/// <summary>
/// The API reference in Chromium, opened from the console's navigation by a signed-in admin: Scalar starts under the
/// page's content policy, reads /openapi/v1.json and lists the endpoints. With <c>WADASHBOARD_SCREENSHOTS</c> set to a
/// folder, the page is saved there as api-reference.png (docs/api-reference.png was made so).
/// </summary>
public sealed class ApiReferenceBrowserTests : EndToEndTest
{
    [Fact]
    public Task The_console_links_the_reference_page_and_it_renders_the_document() => RunAsync(async () =>
    {
        var console = await Browser.OpenAsync(App.BaseUrl, AccountsScreen.InteractiveSelector);
        var errors = new List<string>();
        var opened = await console.RunAndWaitForPopupAsync(() => console.ClickAsync("#nav-api-reference"));
        opened.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                errors.Add(message.Text);
            }
        };
        await opened.SetViewportSizeAsync(1440, 900);
        await Expect(opened.GetByRole(AriaRole.Heading, new() { Name = "WaDashboard API" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        foreach (var tag in new[] { "Accounts", "Messages", "Session storage", "Gateways", "Simulator", "Webhooks" })
        {
            await Expect(opened.GetByText(tag, new() { Exact = true }).First).ToBeVisibleAsync();
        }

        await opened.GetByText("Accounts", new() { Exact = true }).First.ClickAsync();
        await Expect(opened.GetByText("/api/accounts/{phone}/disconnect-reason").First).ToBeVisibleAsync();
        Assert.DoesNotContain(errors, e => e.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));

        if (Environment.GetEnvironmentVariable("WADASHBOARD_SCREENSHOTS") is { Length: > 0 } folder)
        {
            await opened.GetByText("/api/accounts/{phone}/disconnect-reason").First.ClickAsync();
            await opened.WaitForTimeoutAsync(1500);
            await opened.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "api-reference.png") });
        }
    });
}
