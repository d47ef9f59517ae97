using System.Data.Common;
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
    private readonly DbCommand _command;
    private readonly List<(DbParameter Parameter, IPropertyBase Property, Func<object?, object?> ToProvider)> _bindings = [];

    private RowStatements(DbContext db, DbTransaction transaction, bool update)
    {
        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var key = entity.FindPrimaryKey()!.Properties;
        var connection = transaction.Connection!;
        _command = connection.CreateCommand();
        _command.Transaction = transaction;

        string Bind(IProperty property)
        {
            var name = "p" + _bindings.Count;
            var mapping = (RelationalTypeMapping)property.GetRelationalTypeMapping();
            var parameter = mapping.CreateParameter(_command, sql.GenerateParameterName(name), null, property.IsNullable);
            _command.Parameters.Add(parameter);
            var converter = mapping.Converter;
            _bindings.Add((parameter, property, converter is null ? v => v : v => v is null ? null : converter.ConvertToProvider(v)));
            return sql.GenerateParameterNamePlaceholder(name);
        }

        string Column(IProperty property) => sql.DelimitIdentifier(property.GetColumnName(table)!);

        var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        if (update)
        {
            var set = entity.GetProperties().Where(p => !p.IsPrimaryKey()).Select(p => $"{Column(p)} = {Bind(p)}").ToList();
            var where = key.Select(p => $"{Column(p)} = {Bind(p)}").ToList();
            _command.CommandText = $"UPDATE {tableName} SET {string.Join(", ", set)} WHERE {string.Join(" AND ", where)}";
        }
        else
        {
            var columns = entity.GetProperties().Where(p => p.ValueGenerated == ValueGenerated.Never).ToList();
            var values = columns.Select(Bind).ToList();
            _command.CommandText = $"INSERT INTO {tableName} ({string.Join(", ", columns.Select(Column))}) VALUES ({string.Join(", ", values)})";
        }

        // SQLite and PostgreSQL keep the prepared statement for the batch. SqlClient would insist on an explicit size for
        // every variable-length parameter; its parameterized command is cached by the server as it is.
        if (!db.Database.IsSqlServer())
        {
            _command.Prepare();
        }
    }

    /// <summary>UPDATE ... WHERE key: every column but the key.</summary>
    public static RowStatements<T> Update(DbContext db, DbTransaction transaction) => new(db, transaction, update: true);

    /// <summary>INSERT of every column the database does not generate.</summary>
    public static RowStatements<T> Insert(DbContext db, DbTransaction transaction) => new(db, transaction, update: false);

    /// <summary>Runs the statement for one row; returns the rows affected (0 for an update of a row that is gone).</summary>
    public async Task<int> ExecuteAsync(T row, CancellationToken cancellationToken)
    {
        foreach (var (parameter, property, toProvider) in _bindings)
        {
            parameter.Value = toProvider(property.GetGetter().GetClrValue(row)) ?? DBNull.Value;
        }

        return await _command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose() => _command.Dispose();
}
