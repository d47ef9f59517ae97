using System.Data;
using System.Data.Common;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;
using WaDashboard.Bench.Reporting;
using WaDashboard.Bench.Seeding;
using WaDashboard.Core.Persistence;

namespace WaDashboard.Bench.Scenarios;

/// <summary>
/// The pipeline's floor: the same rows (one account update and one timeline insert per event) written with plain
/// prepared statements on the same database engine and disk: no ORM, no supervisor, no events. One SQL text serves
/// SQLite and PostgreSQL (quoted names, @parameters, TRUE/FALSE).
/// </summary>
internal static class PipelineFloor
{
    private const string Update = """
        UPDATE "Accounts" SET "Name" = @name, "Phone" = @phone, "CreatedAt" = @created, "Status" = @status, "StatusSince" = @since, "Reason" = @reason,
            "RawCode" = @code, "RawText" = @text, "Generation" = 1, "SessionLinked" = TRUE, "LinkedJid" = @jid, "PushName" = 'Simulated phone',
            "ReconnectAttempt" = @attempt, "NextAttemptAt" = @next, "FailingSince" = @failing, "BannedUntil" = NULL, "AutoReconnectPaused" = FALSE, "Note" = @note
        WHERE "Id" = @id
        """;

    private const string Insert = """
        INSERT INTO "TimelineEntries" ("AccountId", "At", "FromStatus", "ToStatus", "Reason", "RawCode", "RawText", "Note", "NextAttemptAt")
        VALUES (@id, @at, @from, @to, @reason, @code, @text, @note, @next)
        """;

    /// <summary>Seeds a fresh database like the product's, then writes <paramref name="events"/> events in batches (the rate) and <paramref name="singles"/> one per transaction (the latency).</summary>
    public static async Task<(double EventsPerSecond, Samples Commit)> MeasureAsync(
        BenchDatabase database, string dataDirectory, int n, SeedShape shape, int events, int batch, int singles, CancellationToken cancellationToken)
    {
        var accounts = await FleetSeed.SeedAsync(database, dataDirectory, n, shape, cancellationToken);
        await using DbConnection connection = database.Provider == DatabaseProvider.Postgres
            ? new NpgsqlConnection(database.ConnectionString)
            : new SqliteConnection(database.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var update = Command(connection, Update,
            ("name", DbType.String), ("phone", DbType.String), ("created", DbType.Int64), ("status", DbType.String), ("since", DbType.Int64),
            ("reason", DbType.String), ("code", DbType.String), ("text", DbType.String), ("jid", DbType.String), ("attempt", DbType.Int32),
            ("next", DbType.Int64), ("failing", DbType.Int64), ("note", DbType.String), ("id", DbType.String));
        await using var insert = Command(connection, Insert,
            ("id", DbType.String), ("at", DbType.Int64), ("from", DbType.String), ("to", DbType.String), ("reason", DbType.String),
            ("code", DbType.String), ("text", DbType.String), ("note", DbType.String), ("next", DbType.Int64));
        var counter = 0;

        void Write(DbTransaction transaction)
        {
            var account = accounts[counter % accounts.Count];
            var connect = counter / accounts.Count % 2 == 0;
            counter++;
            var now = DateTimeOffset.UtcNow.UtcTicks;
            object reason = connect ? DBNull.Value : "ConnectionLost";
            object code = connect ? DBNull.Value : "428";
            object text = connect ? DBNull.Value : "Connection Closed";
            object next = connect ? DBNull.Value : now + TimeSpan.TicksPerHour / 2;
            var note = connect ? "Connected." : "Connection lost: automatic reconnect attempt 1 in 1800 s (no QR needed).";
            update.Transaction = transaction;
            Set(update, "name", account.Name);
            Set(update, "phone", account.Phone);
            Set(update, "created", FleetSeed.Epoch.UtcTicks);
            Set(update, "status", connect ? "Connected" : "Reconnecting");
            Set(update, "since", now);
            Set(update, "reason", reason);
            Set(update, "code", code);
            Set(update, "text", text);
            Set(update, "jid", $"{account.Digits}@s.whatsapp.net");
            Set(update, "attempt", connect ? 0 : 1);
            Set(update, "next", next);
            Set(update, "failing", connect ? DBNull.Value : now);
            Set(update, "note", note);
            Set(update, "id", account.Id);
            update.ExecuteNonQuery();
            insert.Transaction = transaction;
            Set(insert, "id", account.Id);
            Set(insert, "at", now);
            Set(insert, "from", connect ? "Reconnecting" : "Connected");
            Set(insert, "to", connect ? "Connected" : "Reconnecting");
            Set(insert, "reason", reason);
            Set(insert, "code", code);
            Set(insert, "text", text);
            Set(insert, "note", note);
            Set(insert, "next", next);
            insert.ExecuteNonQuery();
        }

        var clock = Stopwatch.StartNew();
        for (var written = 0; written < events; written += batch)
        {
            using var transaction = connection.BeginTransaction();
            for (var j = 0; j < batch && written + j < events; j++)
            {
                Write(transaction);
            }

            transaction.Commit();
        }

        var rate = events / clock.Elapsed.TotalSeconds;
        var commit = new Samples();
        for (var i = 0; i < singles; i++)
        {
            var start = Stopwatch.GetTimestamp();
            using var transaction = connection.BeginTransaction();
            Write(transaction);
            transaction.Commit();
            commit.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return (rate, commit);
    }

    private static DbCommand Command(DbConnection connection, string sql, params (string Name, DbType Type)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, type) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.DbType = type;
            parameter.Value = DBNull.Value;
            command.Parameters.Add(parameter);
        }

        command.Prepare();
        return command;
    }

    private static void Set(DbCommand command, string name, object value) => command.Parameters[name].Value = value;
}
