using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class ResourceSuspension : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "suspended_at",
                table: "resources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "suspended_by",
                table: "resources",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "suspension_reason",
                table: "resources",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "suspended_at",
                table: "resources");

            migrationBuilder.DropColumn(
                name: "suspended_by",
                table: "resources");

            migrationBuilder.DropColumn(
                name: "suspension_reason",
                table: "resources");
        }
    }
}
