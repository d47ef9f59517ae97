using Microsoft.Data.Sqlite;

namespace WaDashboard.Tests.Database;

/// <summary>A SQLite file's schema as comparable lines: columns (name, type, not null, key), indexes and foreign keys.</summary>
internal static class SqliteSchema
{
    /// <param name="tables">null = every table but SQLite's and EF's own.</param>
    public static async Task<List<string>> ReadAsync(string file, IEnumerable<string>? tables = null)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
        await connection.OpenAsync();
        var names = tables?.ToList() ?? await ListAsync(connection,
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_\\_%' ESCAPE '\\' ORDER BY name");
        var lines = new List<string>();
        foreach (var table in names)
        {
            var columns = await ListAsync(connection, $"SELECT name || ' ' || type || ' notnull=' || \"notnull\" || ' pk=' || pk FROM pragma_table_info('{table}') ORDER BY name");
            Assert.True(columns.Count > 0, $"table {table} is missing from {file}");
            lines.AddRange(columns.Select(c => $"{table}.{c}"));
            foreach (var index in await ListAsync(connection, $"SELECT name || ' unique=' || \"unique\" FROM pragma_index_list('{table}') WHERE origin = 'c' ORDER BY name"))
            {
                var indexName = index[..index.IndexOf(' ', StringComparison.Ordinal)];
                var indexColumns = await ListAsync(connection, $"SELECT name FROM pragma_index_info('{indexName}') ORDER BY seqno");
                lines.Add($"{table} index {index} ({string.Join(", ", indexColumns)})");
            }

            lines.AddRange((await ListAsync(connection,
                    $"SELECT \"from\" || ' -> ' || \"table\" || '.' || \"to\" || ' on delete ' || on_delete FROM pragma_foreign_key_list('{table}') ORDER BY \"from\""))
                .Select(fk => $"{table} foreign key {fk}"));
        }

        return lines;
    }

    private static async Task<List<string>> ListAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
