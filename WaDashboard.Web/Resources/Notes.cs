namespace WaDashboard.Web.Resources;

/// <summary>
/// The sentences Core writes in English and the console says in the person's language: the supervisor's timeline notes
/// and answers to commands, the outbox's own notes, the audit detail. Each resource is named by its phrase code
/// (<see cref="Core.Accounts.PhraseBook"/>); Notes.resx holds the English templates themselves.
/// </summary>
public sealed class Notes;
