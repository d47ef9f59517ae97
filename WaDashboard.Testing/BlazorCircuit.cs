using Microsoft.Playwright;

namespace WaDashboard.Testing;

/// <summary>
/// Blazor Server prerenders a page as plain HTML, then the circuit connects and takes it over. A click that lands in
/// between is lost. Blazor's event delegator records the handlers of an element on the element itself, under a
/// <c>_blazorEvents_N</c> property, when the interactive render reaches the browser: an element that has that
/// property reacts to clicks.
/// </summary>
public static class BlazorCircuit
{
    private const string HasEventHandlers = """
        selector => {
            const element = document.querySelector(selector);
            return element !== null && Object.keys(element).some(key => key.startsWith('_blazorEvents_'));
        }
        """;

    /// <summary>
    /// Waits until the element matching <paramref name="selector"/> is wired to the circuit, at most
    /// <paramref name="within"/> (<see cref="BrowserSession.DefaultPatience"/> when null).
    /// </summary>
    public static async Task WaitUntilInteractiveAsync(IPage page, string selector, TimeSpan? within = null)
    {
        try
        {
            await page.WaitForFunctionAsync(HasEventHandlers, selector, new PageWaitForFunctionOptions
            {
                Timeout = (float)(within ?? BrowserSession.DefaultPatience).TotalMilliseconds,
            });
        }
        catch (TimeoutException ex)
        {
            throw new TimeoutException($"{page.Url}: '{selector}' did not become interactive; the Blazor circuit did not take the page over.", ex);
        }
    }

    /// <summary>True when the page's element has become interactive within <paramref name="within"/>.</summary>
    public static async Task<bool> BecomesInteractiveAsync(IPage page, string selector, TimeSpan within)
    {
        try
        {
            await page.WaitForFunctionAsync(HasEventHandlers, selector, new PageWaitForFunctionOptions { Timeout = (float)within.TotalMilliseconds });
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }
}
