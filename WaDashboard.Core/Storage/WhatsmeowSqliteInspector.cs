using System.Globalization;
using System.IO.Enumeration;
using Microsoft.Data.Sqlite;

namespace WaDashboard.Core.Storage;

/// <summary>
/// whatsmeow's SQLite store: the file must be an SQLite database that passes <c>PRAGMA integrity_check</c> (or the
/// quicker <c>quick_check</c>); a linked login is a row in whatsmeow_device. Key rows are counted per table. The
/// database is opened read-only and never changed.
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

    private const int SqliteCorrupt = 11;
    private const int SqliteNotADatabase = 26;

    public SessionFormat Format => SessionFormat.WhatsmeowSqlite;

    public bool Recognizes(IReadOnlyList<FileSystemInfo> topLevel) => topLevel.Any(IsDatabaseFile);

    public void Inspect(InspectionBuilder builder, IReadOnlyList<RequiredFileCheck> required)
    {
        var patterns = builder.Options.RequiredFiles.For(SessionFormat.WhatsmeowSqlite);
        var database = builder.TopLevel.Where(IsDatabaseFile)
            .OrderByDescending(e => patterns.Any(p => FileSystemName.MatchesSimpleExpression(p, e.Name, ignoreCase: false)))
            .ThenBy(e => e.Name, StringComparer.Ordinal)
            .First();

        if (FolderWalker.IsLink(database))
        {
            builder.Add(FindingKind.DatabaseUnreadable, $"{database.Name} is a link; links are not followed, so it was not checked.");
            return;
        }

        var length = ((FileInfo)database).Length;
        if (!HasSqliteHeader(database.FullName))
        {
            builder.Add(FindingKind.DatabaseCorrupt, length == 0
                ? $"{database.Name} is empty (0 bytes)."
                : $"{database.Name} ({SessionInspector.FormatSize(length)}) does not start with the SQLite header: it is not a database.");
            return;
        }

        try
        {
            Check(builder, database.Name);
        }
        catch (SqliteException ex) when ((ex.SqliteErrorCode & 0xFF) is SqliteCorrupt or SqliteNotADatabase)
        {
            builder.Add(FindingKind.DatabaseCorrupt, $"{database.Name}: {ex.Message.Replace("SQLite Error ", "", StringComparison.Ordinal)}");
        }
        catch (SqliteException ex)
        {
            builder.Add(FindingKind.DatabaseUnreadable, $"{database.Name}: {ex.Message}");
        }
    }

    private static void Check(InspectionBuilder builder, string name)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(builder.Folder, name),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
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
                builder.Add(FindingKind.DatabaseCorrupt,
                    $"{name} fails its {(builder.Context.Deep ? "integrity" : "quick")} check: {string.Join("; ", messages.Take(3))}{(messages.Count > 3 ? "; …" : "")}");
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

        builder.LoginPresent = tables.Contains("whatsmeow_device") && Count(connection, "whatsmeow_device") > 0;
    }

    private static int Count(SqliteConnection connection, string table)
    {
        using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM \"{table}\";";
        return Convert.ToInt32(count.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static bool IsDatabaseFile(FileSystemInfo entry) =>
        entry is FileInfo && Extensions.Any(x => entry.Name.EndsWith(x, StringComparison.OrdinalIgnoreCase));

    private static bool HasSqliteHeader(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> buffer = stackalloc byte[16];
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length && buffer.SequenceEqual(Header);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
