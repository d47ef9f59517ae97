using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace WaDashboard.Core.Persistence.Migrations;

/// <summary>Hand-written (the design-time tools do not run here); checked against the model by a test.</summary>
[DbContext(typeof(WaDashboardDbContext))]
[Migration("20261122000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Accounts",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 32, nullable: false),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                Phone = table.Column<string>(maxLength: 16, nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                Status = table.Column<string>(maxLength: 32, nullable: false),
                StatusSince = table.Column<long>(nullable: false),
                Reason = table.Column<string>(maxLength: 32, nullable: true),
                RawCode = table.Column<string>(maxLength: 100, nullable: true),
                RawText = table.Column<string>(maxLength: 1000, nullable: true),
                Generation = table.Column<int>(nullable: false),
                SessionLinked = table.Column<bool>(nullable: false),
                LinkedJid = table.Column<string>(maxLength: 100, nullable: true),
                PushName = table.Column<string>(maxLength: 200, nullable: true),
                ReconnectAttempt = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<long>(nullable: true),
                FailingSince = table.Column<long>(nullable: true),
                BannedUntil = table.Column<long>(nullable: true),
                AutoReconnectPaused = table.Column<bool>(nullable: false),
                Note = table.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_Accounts", x => x.Id));

        migrationBuilder.CreateIndex(name: "IX_Accounts_Phone", table: "Accounts", column: "Phone", unique: true);

        migrationBuilder.CreateTable(
            name: "TimelineEntries",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                AccountId = table.Column<string>(maxLength: 32, nullable: false),
                At = table.Column<long>(nullable: false),
                FromStatus = table.Column<string>(maxLength: 32, nullable: false),
                ToStatus = table.Column<string>(maxLength: 32, nullable: false),
                Reason = table.Column<string>(maxLength: 32, nullable: true),
                RawCode = table.Column<string>(maxLength: 100, nullable: true),
                RawText = table.Column<string>(maxLength: 1000, nullable: true),
                Note = table.Column<string>(maxLength: 1000, nullable: true),
                NextAttemptAt = table.Column<long>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_TimelineEntries", x => x.Id);
                table.ForeignKey("FK_TimelineEntries_Accounts_AccountId", x => x.AccountId, "Accounts", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(name: "IX_TimelineEntries_AccountId_Id", table: "TimelineEntries", columns: ["AccountId", "Id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "TimelineEntries");
        migrationBuilder.DropTable(name: "Accounts");
    }
}
