using WaDashboard.Web.Security;

namespace WaDashboard.Tests.Security;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AnswerTimeCollection
{
    /// <summary>Timings are compared with nothing else running beside them.</summary>
    public const string Name = "Answer times";
}

/// <summary>Whether an e-mail has an account must not show in how long a wrong sign-in takes (it took 6–10 ms vs 130–180 ms).</summary>
[Collection(AnswerTimeCollection.Name)]
public sealed class AnswerTimeTests : IClassFixture<HardenedApp>
{
    private readonly HardenedApp _app;

    public AnswerTimeTests(HardenedApp app) => _app = app;

    [Fact]
    public async Task Whether_an_email_exists_does_not_show_in_the_answer_time()
    {
        var known = $"known-{Guid.NewGuid():N}@example.test";
        await _app.CreateUserAsync(known, Roles.Viewer);
        var knownTimes = new List<double>();
        var unknownTimes = new List<double>();
        for (var i = 0; i < 9; i++)
        {
            // A fresh client each time: the throttle is not what is measured here.
            knownTimes.Add(await TimeSignInAsync(known, $"10.4.{i}.1"));
            unknownTimes.Add(await TimeSignInAsync($"unknown-{Guid.NewGuid():N}@example.test", $"10.4.{i}.2"));
        }

        var knownMedian = Median(knownTimes.Skip(1));
        var unknownMedian = Median(unknownTimes.Skip(1));
        Assert.True(unknownMedian >= knownMedian * 0.4 && knownMedian >= unknownMedian * 0.4,
            $"Median answer time for a known e-mail {knownMedian:0.0} ms, for an unknown one {unknownMedian:0.0} ms.");
    }

    private async Task<double> TimeSignInAsync(string email, string client)
    {
        var (response, _, elapsed) = await _app.TimedSignInAsync(email, "not the password 1", client);
        Assert.Contains("Wrong email or password", await response.Content.ReadAsStringAsync());
        response.Dispose();
        return elapsed.TotalMilliseconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
