using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace WaDashboard.Core.Persistence.Migrations;

/// <summary>Accounts remember the worker (the simulator or a gateway server) their session runs on.</summary>
[DbContext(typeof(WaDashboardDbContext))]
[Migration("20261122040000_Workers")]
public sealed class Workers : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "WorkerId", table: "Accounts", maxLength: 40, nullable: false, defaultValue: "simulator");

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "WorkerId", table: "Accounts");
}
