using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace WaDashboard.Core.Persistence.Migrations;

[DbContext(typeof(WaDashboardDbContext))]
[Migration("20261122030500_Audit")]
public sealed class Audit : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AuditEntries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                At = table.Column<long>(nullable: false),
                Actor = table.Column<string>(maxLength: 256, nullable: false),
                Action = table.Column<string>(maxLength: 64, nullable: false),
                AccountId = table.Column<string>(maxLength: 32, nullable: true),
                Detail = table.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AuditEntries", x => x.Id));

        migrationBuilder.CreateIndex(name: "IX_AuditEntries_AccountId", table: "AuditEntries", column: "AccountId");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "AuditEntries");
}
