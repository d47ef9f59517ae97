using System.Text.RegularExpressions;
using WaDashboard.Core.Accounts;
using WaDashboard.Core.Audit;
using WaDashboard.Core.Messaging;
using WaDashboard.Core.Sessions;
using Xunit;

namespace WaDashboard.Tests.Unit;

/// <summary>The phrase books of the supervisor's notes and answers, the outbox and the audit log.</summary>
public partial class PhraseBooksTests
{
    public static TheoryData<string> Books() => [.. All.Keys];

    public static readonly IReadOnlyDictionary<string, PhraseBook> All = new Dictionary<string, PhraseBook>
    {
        [nameof(SessionNotes)] = SessionNotes.Book,
        [nameof(CommandReplies)] = CommandReplies.Book,
        [nameof(OutboxNotes)] = OutboxNotes.Book,
        [nameof(AuditNotes)] = AuditNotes.Book,
    };

    [Theory]
    [MemberData(nameof(Books))]
    public void Every_sentence_of_a_book_reads_back_as_its_own_code_and_arguments(string name)
    {
        var book = All[name];
        var wrong = new List<string>();
        foreach (var code in book.Codes)
        {
            var count = Placeholder().Matches(book.Template(code)).Count;
            var args = Enumerable.Range(0, count).Select(i => $"x{i}-{code.Length}").ToArray();
            if (!book.TryRead(book.Say(code, args), out var phrase) || phrase.Code != code || !phrase.Args.SequenceEqual(args))
            {
                wrong.Add($"{code}: read as {phrase?.Code} ({string.Join(", ", phrase?.Args ?? [])})");
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void A_compound_note_reads_back_with_its_parts()
    {
        // As a drift on a replaced session writes it: the drift prefix, then the reason's next action.
        var note = SessionNotes.Say("Note.Drift", SessionNotes.Say("Note.NeedsYou", SessionNotes.Action(DisconnectReason.ClientOutdated)));

        Assert.Equal("Drift: the engine no longer has this session. Needs you: Update the engine, then click Reconnect.", note);
        Assert.True(SessionNotes.Book.TryRead(note, out var drift));
        Assert.Equal("Note.Drift", drift.Code);
        Assert.True(SessionNotes.Book.TryRead(drift.Args[0], out var needsYou));
        Assert.Equal("Note.NeedsYou", needsYou.Code);
        Assert.True(SessionNotes.Book.TryRead(needsYou.Args[0], out var action));
        Assert.Equal("Reason.ClientOutdated.Action", action.Code);
    }

    [Fact]
    public void The_audit_detail_of_a_refused_command_reads_back_to_the_supervisors_answer()
    {
        var detail = AuditNotes.Outcome(new CommandResult(CommandOutcome.Refused, CommandReplies.Say("Reply.AlreadyOn", "gw-east")));

        Assert.Equal("Refused: The account is already on gw-east.", detail);
        Assert.True(AuditNotes.Book.TryRead(detail, out var outcome));
        Assert.Equal("Audit.Refused", outcome.Code);
        Assert.True(AuditNotes.Book.TryRead(outcome.Args[0], out var reply));
        Assert.Equal(new Phrase("Reply.AlreadyOn", ["gw-east"]).Code, reply.Code);
        Assert.Equal(["gw-east"], reply.Args);
    }

    [Fact]
    public void The_books_write_the_English_the_API_and_the_database_had_before()
    {
        Assert.Equal("Not sent: the account was not connected at the moment of sending. It goes out after the account reconnects.", SendOutcomes.HeldNote);
        Assert.Equal("Failed after 1 attempt; the last error: boom", OutboxNotes.Say("Send.FailedAfterOne", 1, "boom"));
        Assert.Equal("Moved from gw-a to gw-b. A login cannot move between servers: link it again with a QR code or a pairing code.",
            SessionNotes.Say("Note.Moved", "gw-a", "gw-b"));
        Assert.Equal("Your role can only view. Ask an operator or an admin to do this.", WaDashboard.Web.Security.OperatorActions.ViewOnly);
    }

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
