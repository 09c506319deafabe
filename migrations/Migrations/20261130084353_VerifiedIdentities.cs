using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AddonProvider.Migrations.Migrations
{
    /// <summary>
    /// SSO logins marked verified (user-scoped token) or not; existing contacts, having no proof, are unverified.
    /// The replay guard is keyed on the token alone (it was (token, user id), which let one token open a session
    /// for any user id): duplicates of a token are folded into one row first. Rows live minutes, the table is small,
    /// and the key swap is one transaction, so code of the previous release keeps a replay guard throughout.
    /// Security reports record whether their address is verified (existing ones: no); a reply that is not mailed has
    /// no address.
    /// </summary>
    public partial class VerifiedIdentities : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DELETE FROM sso_token_uses a USING sso_token_uses b WHERE a.token = b.token AND a.user_id > b.user_id;");

            migrationBuilder.DropPrimaryKey(
                name: "pk_sso_token_uses",
                table: "sso_token_uses");

            migrationBuilder.AddColumn<bool>(
                name: "verified",
                table: "sso_users",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "reporter_email_verified",
                table: "security_reports",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<string>(
                name: "to_email",
                table: "security_report_replies",
                type: "character varying(320)",
                maxLength: 320,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(320)",
                oldMaxLength: 320);

            migrationBuilder.AddPrimaryKey(
                name: "pk_sso_token_uses",
                table: "sso_token_uses",
                column: "token");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropPrimaryKey(
                name: "pk_sso_token_uses",
                table: "sso_token_uses");

            migrationBuilder.DropColumn(
                name: "verified",
                table: "sso_users");

            migrationBuilder.DropColumn(
                name: "reporter_email_verified",
                table: "security_reports");

            migrationBuilder.Sql("UPDATE security_report_replies SET to_email = '' WHERE to_email IS NULL;");

            migrationBuilder.AlterColumn<string>(
                name: "to_email",
                table: "security_report_replies",
                type: "character varying(320)",
                maxLength: 320,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(320)",
                oldMaxLength: 320,
                oldNullable: true);

            migrationBuilder.AddPrimaryKey(
                name: "pk_sso_token_uses",
                table: "sso_token_uses",
                columns: new[] { "token", "user_id" });
        }
    }
}
