using System.Globalization;
using Microsoft.Data.Sqlite;

namespace WaDashboard.Core.Storage;

/// <summary>
/// whatsmeow's SQLite store (any name: *.db, *.sqlite, *.sqlite3): the file must be an SQLite database that passes
/// <c>PRAGMA integrity_check</c> (or the quicker <c>quick_check</c>); a linked login is a row in whatsmeow_device, and its
/// proofs are checked by <see cref="WhatsmeowProofs"/>. Key rows are counted per table.
/// <para>
/// The database is opened read-only and never changed. When that is impossible because whatsmeow was stopped in the middle
/// of a transaction (a hot rollback journal: SQLite must roll it back before anyone reads, and a read-only connection
/// cannot, SQLITE_READONLY_ROLLBACK), the database and its journal are copied aside and the copy is opened read-write:
/// opening it rolls the journal back exactly as whatsmeow's own next start will, and the original stays as it was for
/// whatsmeow to do that itself. A busy or locked database (an engine writing it) is "could not check", never "no login".
/// </para>
/// </summary>
internal sealed class WhatsmeowSqliteInspector : IFormatInspector
{
    private static readonly string[] Extensions = [".db", ".sqlite", ".sqlite3"];
    private static readonly byte[] Header = "SQLite format 3\0"u8.ToArray();

    /// <summary>whatsmeow tables counted as key types.</summary>
    private static readonly (string Table, string Type)[] KeyTables =
    [
        ("whatsmeow_pre_keys", "pre-keys"),
        ("whatsmeow_sessions", "sessions"),
        ("whatsmeow_sender_keys", "sender-keys"),
        ("whatsmeow_identity_keys", "identity-keys"),
        ("whatsmeow_app_state_sync_keys", "app-state-sync-keys"),
    ];

    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteReadOnly = 8;
    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    /// <summary>How long a check waits for a database another process is writing before calling it busy.</summary>
    private const int BusyTimeoutSeconds = 2;

    public SessionFormat Format => SessionFormat.WhatsmeowSqlite;

    public bool Recognizes(IReadOnlyList<FileSystemInfo> topLevel) => topLevel.Any(IsDatabaseFile);

    public void Inspect(InspectionBuilder builder, IReadOnlyList<RequiredFileCheck> required)
    {
        var patterns = builder.Options.RequiredFiles.For(SessionFormat.WhatsmeowSqlite);
        var database = builder.TopLevel.Where(IsDatabaseFile)
            .OrderByDescending(e => patterns.Any(p => !p.Contains('/', StringComparison.Ordinal) && SessionInspector.MatchesName(p, e.Name)))
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .First();

        if (FolderWalker.IsLink(database))
        {
            builder.Unchecked(FindingKind.DatabaseUnreadable, FindingEvidence.Say("Sqlite.Link", database.Name));
            return;
        }

        var journal = new FileInfo(database.FullName + "-journal");
        var length = ((FileInfo)database).Length;
        if (!journal.Exists && !HasSqliteHeader(database.FullName, out var readable))
        {
            if (!readable)
            {
                builder.Unchecked(FindingKind.DatabaseUnreadable, FindingEvidence.Say("Sqlite.CannotRead", database.Name));
            }
            else
            {
                builder.Broken(FindingKind.DatabaseCorrupt, length == 0
                    ? FindingEvidence.Say("Sqlite.Empty", database.Name)
                    : FindingEvidence.Say("Sqlite.NoHeader", database.Name, SessionInspector.FormatSize(length)));
            }

            return;
        }

        try
        {
            Check(builder, database.FullName, database.Name, readOnly: true, note: "");
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) == SqliteReadOnly)
        {
            // SQLITE_READONLY_ROLLBACK (776): a hot journal that a read-only connection cannot roll back.
            CheckCopy(builder, (FileInfo)database, journal, ex);
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is SqliteBusy or SqliteLocked)
        {
            builder.Unchecked(FindingKind.DatabaseUnreadable,
                FindingEvidence.Say("Sqlite.Busy", database.Name, Message(ex)));
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase)
        {
            builder.Broken(FindingKind.DatabaseCorrupt, $"{database.Name}: {Message(ex)}");
        }
        catch (SqliteException ex)
        {
            builder.Unchecked(FindingKind.DatabaseUnreadable, FindingEvidence.Say("Sqlite.Error", database.Name, Message(ex)));
        }
    }

    /// <summary>Checks a copy of the database and its hot journal, opened read-write so that SQLite rolls the journal back.</summary>
    private static void CheckCopy(InspectionBuilder builder, FileInfo database, FileInfo journal, SqliteException readOnlyError)
    {
        var walFile = new FileInfo(database.FullName + "-wal");
        var size = database.Length + (journal.Exists ? journal.Length : 0) + (walFile.Exists ? walFile.Length : 0);
        if (size > builder.Options.MaxSizeBytes)
        {
            builder.Unchecked(FindingKind.DatabaseUnreadable,
                FindingEvidence.Say("Sqlite.JournalTooLarge", database.Name, Message(readOnlyError), SessionInspector.FormatSize(size)));
            return;
        }

        var scratch = Directory.CreateTempSubdirectory("wadashboard-check-");
        try
        {
            // A store in WAL mode keeps its latest commits in -wal: the copy takes it too, or it would look older than it is.
            var wal = new FileInfo(database.FullName + "-wal");
            var before = (Stamp(database), Stamp(journal), Stamp(wal));
            var copy = Path.Combine(scratch.FullName, database.Name);
            File.Copy(database.FullName, copy);
            foreach (var (side, suffix) in new[] { (journal, "-journal"), (wal, "-wal") })
            {
                if (side.Exists)
                {
                    File.Copy(side.FullName, copy + suffix);
                }
            }

            if ((Stamp(database), Stamp(journal), Stamp(wal)) != before)
            {
                builder.Unchecked(FindingKind.DatabaseUnreadable, FindingEvidence.Say("Sqlite.ChangedWhileCopied", database.Name));
                return;
            }

            try
            {
                Check(builder, copy, database.Name, readOnly: false,
                    note: $" Checked on a copy: {database.Name} has a hot rollback journal (whatsmeow stopped in the middle of a write). Opening the copy rolled the journal back, as whatsmeow's next start will; the original was not changed.");
            }
            catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase)
            {
                builder.Broken(FindingKind.DatabaseCorrupt, FindingEvidence.Say("Sqlite.JournalCorrupt", database.Name, Message(ex)));
            }
            catch (SqliteException ex)
            {
                builder.Unchecked(FindingKind.DatabaseUnreadable, FindingEvidence.Say("Sqlite.JournalUnchecked", database.Name, Message(ex)));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            builder.Unchecked(FindingKind.DatabaseUnreadable, FindingEvidence.Say("Sqlite.JournalUncopied", database.Name, ex.Message));
        }
        finally
        {
            try
            {
                scratch.Delete(recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A leftover in the temp folder is harmless.
            }
        }
    }

    private static void Check(InspectionBuilder builder, string path, string name, bool readOnly, string note)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWrite,
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();

        using (var check = connection.CreateCommand())
        {
            check.CommandText = builder.Context.Deep ? "PRAGMA integrity_check(20);" : "PRAGMA quick_check(20);";
            var messages = new List<string>();
            using var reader = check.ExecuteReader();
            while (reader.Read())
            {
                messages.Add(reader.GetString(0));
            }

            if (messages is not ["ok"])
            {
                builder.Broken(FindingKind.DatabaseCorrupt,
                    $"{name} fails its {(builder.Context.Deep ? "integrity" : "quick")} check: {string.Join("; ", messages.Take(3))}{(messages.Count > 3 ? "; …" : "")}.{note}");
                return;
            }
        }

        var tables = new HashSet<string>(StringComparer.Ordinal);
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table';";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        foreach (var (table, type) in KeyTables)
        {
            if (tables.Contains(table))
            {
                builder.KeyFileCounts[type] = Count(connection, table);
            }
        }

        if (!tables.Contains("whatsmeow_device"))
        {
            builder.Login = tables.Count == 0
                ? LoginCheck.Broken($"No login: {name} is an SQLite database with no tables (whatsmeow creates them on its first start).{note}")
                : LoginCheck.Unknown($"{name} has no whatsmeow_device table ({tables.Count} other table(s)): not a whatsmeow store the dashboard knows, so its login was not checked.{note}");
            return;
        }

        var devices = Count(connection, "whatsmeow_device");
        if (devices == 0)
        {
            builder.Login = LoginCheck.Broken($"No login: whatsmeow_device in {name} has no row (never paired, or logged out).{note}");
            return;
        }

        builder.LoginPresent = true;
        var proofs = WhatsmeowProofs.Check(connection, name);
        if (proofs.IsProvenBroken)
        {
            builder.Broken(FindingKind.LoginProofFailed, string.Join(" ", proofs.Evidence) + note);
            return;
        }

        builder.Login = note.Length == 0 ? proofs : proofs with { Evidence = [.. proofs.Evidence, note.Trim()] };
    }

    private static int Count(SqliteConnection connection, string table)
    {
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM \"{table}\";";
        return Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static string Message(SqliteException ex) => ex.Message.Replace("SQLite Error ", "", StringComparison.Ordinal).TrimEnd('.') + ".";

    /// <summary>Size and write time of a file, to tell whether it changed while it was copied.</summary>
    private static (long, DateTime) Stamp(FileInfo file)
    {
        file.Refresh();
        return file.Exists ? (file.Length, file.LastWriteTimeUtc) : (-1, default);
    }

    private static bool IsDatabaseFile(FileSystemInfo entry) =>
        entry is FileInfo && Extensions.Any(x => entry.Name.EndsWith(x, StringComparison.OrdinalIgnoreCase));

    private static bool HasSqliteHeader(string path, out bool readable)
    {
        readable = true;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> buffer = stackalloc byte[16];
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length && buffer.SequenceEqual(Header);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            readable = false;
            return false;
        }
    }
}
