using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace WaDashboard.Core.Persistence.Migrations;

/// <summary>The outbox. Hand-written like the first migration; checked against the model by a test.</summary>
[DbContext(typeof(WaDashboardDbContext))]
[Migration("20261122020000_Outbox")]
public sealed class OutboxTables : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "OutboxMessages",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false).Annotation("Sqlite:Autoincrement", true),
                AccountId = table.Column<string>(maxLength: 32, nullable: false),
                Recipient = table.Column<string>(maxLength: 16, nullable: false),
                Text = table.Column<string>(nullable: false),
                NotBefore = table.Column<long>(nullable: true),
                IdempotencyKey = table.Column<string>(maxLength: 255, nullable: true),
                Status = table.Column<string>(maxLength: 16, nullable: false),
                Attempts = table.Column<int>(nullable: false),
                CreatedAt = table.Column<long>(nullable: false),
                UpdatedAt = table.Column<long>(nullable: false),
                NextAttemptAt = table.Column<long>(nullable: true),
                LastAttemptAt = table.Column<long>(nullable: true),
                SentAt = table.Column<long>(nullable: true),
                EngineMessageId = table.Column<string>(maxLength: 128, nullable: true),
                Error = table.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OutboxMessages", x => x.Id);
                table.ForeignKey("FK_OutboxMessages_Accounts_AccountId", x => x.AccountId, "Accounts", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(name: "IX_OutboxMessages_AccountId_IdempotencyKey", table: "OutboxMessages", columns: ["AccountId", "IdempotencyKey"], unique: true);
        migrationBuilder.CreateIndex(name: "IX_OutboxMessages_AccountId_Status_Id", table: "OutboxMessages", columns: ["AccountId", "Status", "Id"]);
        migrationBuilder.CreateIndex(name: "IX_OutboxMessages_LastAttemptAt", table: "OutboxMessages", column: "LastAttemptAt");
        migrationBuilder.CreateIndex(name: "IX_OutboxMessages_Status_Id", table: "OutboxMessages", columns: ["Status", "Id"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "OutboxMessages");
}
