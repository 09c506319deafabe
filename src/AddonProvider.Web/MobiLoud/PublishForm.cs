using System.Net.Mail;

namespace AddonProvider.Web.MobiLoud;

public enum FieldKind { Text, Email, Url, Textarea, Checkbox }

public sealed record PublishField(string Name, string Label, FieldKind Kind = FieldKind.Text, bool Required = false, int Max = 300);

/// <param name="Uploads">the section is the graphics uploads (<see cref="AppGraphics"/>), not typed fields</param>
public sealed record PublishSection(string Title, PublishField[] Fields, bool Uploads = false);

/// <summary>The publishing request of products.md §1: what MobiLoud's team needs to build and list the app.</summary>
public static class PublishForm
{
    public static readonly PublishSection[] Sections =
    [
        new("Contact", [new("contact_name", "Full name", Required: true), new("contact_email", "Email", FieldKind.Email, true), new("contact_phone", "Phone")]),
        new("Website and platform", [new("website_url", "Website URL", FieldKind.Url, true), new("platform", "Platform (WordPress, Shopify, custom…)", Required: true)]),
        new("Admin access (if any)", [new("admin_url", "Admin login URL", FieldKind.Url), new("admin_username", "Admin username (we ask for the password over a secure channel)")]),
        new("Apple developer account", [new("apple_team_id", "Team ID"), new("apple_email", "Account email", FieldKind.Email)]),
        new("Google Play developer account", [new("google_account_id", "Developer account ID"), new("google_email", "Account email", FieldKind.Email)]),
        new("Analytics and Firebase", [new("analytics_id", "Analytics measurement ID"), new("firebase_project_id", "Firebase project ID")]),
        // Uploaded files, stored with the draft and served by us: never a URL the customer controls.
        new("Graphics", [], Uploads: true),
        new("Push notifications", [new("push_provider", "Push provider (OneSignal, Firebase…)")]),
        new("Store listing", [
            new("app_name", "App name", Required: true, Max: 30), new("short_description", "Short description", Required: true, Max: 80),
            new("description", "Full description", FieldKind.Textarea, Max: 4000), new("keywords", "Keywords"),
            new("support_url", "Support URL", FieldKind.Url), new("privacy_url", "Privacy policy URL", FieldKind.Url, true)]),
        new("Legal agreement", [new("agree", "I accept the MobiLoud publishing agreement", FieldKind.Checkbox, true), new("signature", "Signature: type your full name", Required: true)]),
    ];

    public static IEnumerable<PublishField> Fields => Sections.SelectMany(s => s.Fields);

    /// <summary>The known fields from a post, trimmed and cut to length: a draft keeps whatever was typed.</summary>
    public static Dictionary<string, string> Read(IFormCollection form) => Fields.ToDictionary(
        f => f.Name,
        f =>
        {
            var v = form[f.Name].ToString().Trim();
            return f.Kind == FieldKind.Checkbox ? (v.Length > 0 ? "yes" : "") : v.Length > f.Max ? v[..f.Max] : v;
        });

    /// <summary>The submit-time rules; empty when the request can be sent.</summary>
    public static List<string> Check(IReadOnlyDictionary<string, string> values)
    {
        var errors = new List<string>();
        foreach (var f in Fields)
        {
            var v = values.GetValueOrDefault(f.Name, "");
            if (v.Length == 0)
            {
                if (f.Required) errors.Add(f.Kind == FieldKind.Checkbox ? $"{f.Label}: required to submit." : $"{f.Label} is required.");
                continue;
            }
            if (f.Kind == FieldKind.Url && !AppRules.IsWebUrl(v)) errors.Add($"{f.Label} must be an absolute http(s) URL.");
            if (f.Kind == FieldKind.Email && !(MailAddress.TryCreate(v, out var m) && m.Address == v)) errors.Add($"{f.Label} must be an email address.");
        }
        return errors;
    }
}
