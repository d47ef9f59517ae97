namespace WaDashboard.Core.Storage;

/// <summary>What the dashboard could establish about the login in a session folder.</summary>
public enum LoginCheckResult
{
    /// <summary>Could not be checked (busy, being written, not readable, or no proof to check): never counted as broken.</summary>
    Unknown,
    /// <summary>A login is there and the proofs it carries hold (its signatures verify, its keys match).</summary>
    ProvenGood,
    /// <summary>Read to the end, the folder cannot log the account in: its login is damaged, fails its own proofs, or is not there.</summary>
    ProvenBroken,
}

/// <summary>
/// The answer to "can this folder log the account in?", with the evidence behind it. Only <see cref="LoginCheckResult.ProvenBroken"/>
/// allows an action that loses the login (Clear session, quarantining the current generation).
/// </summary>
public sealed record LoginCheck(LoginCheckResult Result, IReadOnlyList<string> Evidence)
{
    public static readonly LoginCheck NotChecked = new(LoginCheckResult.Unknown, ["Nothing was checked."]);

    public static LoginCheck Good(params string[] evidence) => new(LoginCheckResult.ProvenGood, evidence);

    public static LoginCheck Broken(params string[] evidence) => new(LoginCheckResult.ProvenBroken, evidence);

    public static LoginCheck Unknown(params string[] evidence) => new(LoginCheckResult.Unknown, evidence);

    public bool IsProvenBroken => Result == LoginCheckResult.ProvenBroken;

    /// <summary>"proven-good", "proven-broken" or "unknown", as the API says it.</summary>
    public string Name => NameOf(Result);

    public static string NameOf(LoginCheckResult result) => result switch
    {
        LoginCheckResult.ProvenGood => "proven-good",
        LoginCheckResult.ProvenBroken => "proven-broken",
        _ => "unknown",
    };

    public string Summary => $"{Name}: {string.Join(" ", Evidence)}";
}
