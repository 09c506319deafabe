using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class DropCatalogForeignKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_resources_plans_product_id_plan_slug",
                table: "resources");

            migrationBuilder.DropForeignKey(
                name: "fk_resources_products_product_id",
                table: "resources");

            migrationBuilder.DropIndex(
                name: "ix_resources_product_id_plan_slug",
                table: "resources");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_resources_product_id_plan_slug",
                table: "resources",
                columns: new[] { "product_id", "plan_slug" });

            migrationBuilder.AddForeignKey(
                name: "fk_resources_plans_product_id_plan_slug",
                table: "resources",
                columns: new[] { "product_id", "plan_slug" },
                principalTable: "plans",
                principalColumns: new[] { "product_id", "slug" },
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_resources_products_product_id",
                table: "resources",
                column: "product_id",
                principalTable: "products",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
