using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace WaDashboard.Core.Persistence.Migrations;

/// <summary>Session folder snapshots (size, files, key files per type) for growth. Hand-written; checked against the model by a test.</summary>
[DbContext(typeof(WaDashboardDbContext))]
[Migration("20261122010000_SessionStorage")]
public sealed class SessionStorage : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "SessionSnapshots",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                AccountId = table.Column<string>(maxLength: 32, nullable: false),
                Generation = table.Column<int>(nullable: false),
                At = table.Column<long>(nullable: false),
                SizeBytes = table.Column<long>(nullable: false),
                FileCount = table.Column<int>(nullable: false),
                KeyFileCounts = table.Column<string>(maxLength: 2000, nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_SessionSnapshots", x => x.Id));

        migrationBuilder.CreateIndex(name: "IX_SessionSnapshots_AccountId_Generation_At", table: "SessionSnapshots", columns: ["AccountId", "Generation", "At"]);
        migrationBuilder.CreateIndex(name: "IX_SessionSnapshots_At", table: "SessionSnapshots", column: "At");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "SessionSnapshots");
}
