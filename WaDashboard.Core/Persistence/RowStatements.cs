using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace WaDashboard.Core.Persistence;

/// <summary>
/// A prepared UPDATE (by key) or INSERT for one entity type, built from the EF Core model (table and column names,
/// value converters, the provider's quoting and parameter types) and executed once per row inside a transaction.
/// The state writer uses it to commit hundreds of rows per batch without the change tracker's per-entity cost.
/// Provider-neutral: names, placeholders (@p0 on every provider here) and parameter types come from the provider.
/// </summary>
internal sealed class RowStatements<T> : IDisposable
    where T : class
{
    /// <summary>
    /// What a statement is made of, worked out from the model once per model and kind (UPDATE or INSERT), not once per
    /// batch: the writer opens a statement for every batch, and building the text and bindings each time was a tenth of
    /// its allocations (measured with dotnet-trace on the pipeline benchmark).
    /// </summary>
    private sealed record Shape(string Sql, IReadOnlyList<Binding> Bindings);

    private sealed record Binding(string Name, RelationalTypeMapping Mapping, bool Nullable, IClrPropertyGetter Getter, Func<object?, object?> ToProvider);

    private static readonly ConditionalWeakTable<IModel, Shape> Updates = [];
    private static readonly ConditionalWeakTable<IModel, Shape> Inserts = [];

    private readonly DbCommand _command;
    private readonly List<(DbParameter Parameter, Binding Binding)> _parameters = [];

    private RowStatements(DbContext db, DbTransaction transaction, bool update)
    {
        var shape = (update ? Updates : Inserts).GetValue(db.Model, model => Build(db, model, update));
        _command = transaction.Connection!.CreateCommand();
        _command.Transaction = transaction;
        _command.CommandText = shape.Sql;
        foreach (var binding in shape.Bindings)
        {
            var parameter = binding.Mapping.CreateParameter(_command, binding.Name, null, binding.Nullable);
            _command.Parameters.Add(parameter);
            _parameters.Add((parameter, binding));
        }

        // SQLite and PostgreSQL keep the prepared statement for the batch. SqlClient would insist on an explicit size for
        // every variable-length parameter; its parameterized command is cached by the server as it is.
        if (!db.Database.IsSqlServer())
        {
            _command.Prepare();
        }
    }

    private static Shape Build(DbContext db, IModel model, bool update)
    {
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var key = entity.FindPrimaryKey()!.Properties;
        var bindings = new List<Binding>();

        string Bind(IProperty property)
        {
            var name = "p" + bindings.Count;
            var mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
            var converter = mapping.Converter;
            bindings.Add(new Binding(sql.GenerateParameterName(name), mapping, property.IsNullable, property.GetGetter(),
                converter is null ? v => v : v => v is null ? null : converter.ConvertToProvider(v)));
            return sql.GenerateParameterNamePlaceholder(name);
        }

        string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName(table)!);

        var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        if (update)
        {
            var set = entity.GetProperties().Where(p => !p.IsPrimaryKey()).Select(p => $"{Column(p)} = {Bind(p)}").ToList();
            var where = key.Select(p => $"{Column(p)} = {Bind(p)}").ToList();
            return new Shape($"UPDATE {tableName} SET {string.Join(", ", set)} WHERE {string.Join(" AND ", where)}", bindings);
        }

        var columns = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToList();
        var values = columns.Select(Bind).ToList();
        return new Shape($"INSERT INTO {tableName} ({string.Join(", ", columns.Select(Column))}) VALUES ({string.Join(", ", values)})", bindings);
    }

    /// <summary>UPDATE ... WHERE key: every column but the key.</summary>
    public static RowStatements<T> Update(DbContext db, DbTransaction transaction) => new(db, transaction, update: true);

    /// <summary>INSERT of every column the database does not generate.</summary>
    public static RowStatements<T> Insert(DbContext db, DbTransaction transaction) => new(db, transaction, update: false);

    /// <summary>Runs the statement for one row; returns the rows affected (0 for an update of a row that is gone).</summary>
    public async Task<int> ExecuteAsync(T row, CancellationToken cancellationToken)
    {
        foreach (var (parameter, binding) in _parameters)
        {
            Bind(parameter, binding, row);
        }

        return await _command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Runs the statement for every row; returns the rows affected by each. A server (PostgreSQL, SQL Server) gets them
    /// all in one round trip as a <see cref="DbBatch"/>, instead of one round trip per row, which made the writer wait on
    /// the network for each row of a batch (pipeline benchmark on PostgreSQL: the writer was its bottleneck). SQLite,
    /// in the same process, has no batches and needs none: its rows go one by one through the prepared statement.
    /// </summary>
    public async Task<int[]> ExecuteAllAsync(IReadOnlyList<T> rows, CancellationToken cancellationToken)
    {
        var affected = new int[rows.Count];
        if (rows.Count <= 1 || !_command.Connection!.CanCreateBatch)
        {
            for (var i = 0; i < rows.Count; i++)
            {
                affected[i] = await ExecuteAsync(rows[i], cancellationToken);
            }

            return affected;
        }

        await using var batch = _command.Connection.CreateBatch();
        batch.Transaction = _command.Transaction;
        foreach (var row in rows)
        {
            var command = batch.CreateBatchCommand();
            command.CommandText = _command.CommandText;
            foreach (var (_, binding) in _parameters)
            {
                // The provider's parameter (type, size, NpgsqlDbType), made and bound as the prepared statement's are.
                var parameter = binding.Mapping.CreateParameter(_command, binding.Name, null, binding.Nullable);
                Bind(parameter, binding, row);
                command.Parameters.Add(parameter);
            }

            batch.BatchCommands.Add(command);
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        for (var i = 0; i < rows.Count; i++)
        {
            affected[i] = batch.BatchCommands[i].RecordsAffected;
        }

        return affected;
    }

    /// <summary>The row's value for the parameter, converted to what the provider stores.</summary>
    private static void Bind(DbParameter parameter, Binding binding, T row) =>
        parameter.Value = binding.ToProvider(binding.Getter.GetClrValue(row)) ?? DBNull.Value;

    public void Dispose() => _command.Dispose();
}
