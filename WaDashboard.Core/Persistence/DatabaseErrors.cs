using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace WaDashboard.Core.Persistence;

/// <summary>Which constraint a failed save broke, in the terms of each provider's own error codes.</summary>
public enum ConstraintViolation
{
    None,
    Unique,
    ForeignKey,
}

public static class DatabaseErrors
{
    // SQLite: extended result codes (https://www.sqlite.org/rescode.html): SQLITE_CONSTRAINT_UNIQUE 2067,
    // SQLITE_CONSTRAINT_PRIMARYKEY 1555, SQLITE_CONSTRAINT_FOREIGNKEY 787.
    // SQL Server: 2601 (duplicate key in a unique index), 2627 (unique/primary key constraint), 547 (foreign key).
    // PostgreSQL: SQLSTATE 23505 unique_violation, 23503 foreign_key_violation.
    public static ConstraintViolation Classify(DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException { SqliteExtendedErrorCode: 2067 or 1555 } => ConstraintViolation.Unique,
        SqliteException { SqliteExtendedErrorCode: 787 } => ConstraintViolation.ForeignKey,
        SqlException { Number: 2601 or 2627 } => ConstraintViolation.Unique,
        SqlException { Number: 547 } => ConstraintViolation.ForeignKey,
        PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } => ConstraintViolation.Unique,
        PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => ConstraintViolation.ForeignKey,
        _ => ConstraintViolation.None,
    };
}
