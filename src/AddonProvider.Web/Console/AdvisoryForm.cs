using AddonProvider.Data.Entities;
using AddonProvider.Web.Dashboard;
using AddonProvider.Web.Security;
using static AddonProvider.Web.Dashboard.Html;

namespace AddonProvider.Web.Console;

/// <summary>The compose form of an advisory: its fields, and how they become the API's <see cref="AdvisoryInput"/>.</summary>
public static class AdvisoryForm
{
    private static readonly char[] ListSeparators = [',', ' ', '\n', '\r', '\t'];

    public static AdvisoryInput Read(IFormCollection form)
    {
        static List<string> List(string? text) => (text ?? "").Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        static string? Text(IFormCollection f, string name) => f[name].ToString() is { Length: > 0 } v ? v.Replace("\r\n", "\n") : null;
        static DateTime? Date(string? v) => DateTime.TryParse(v, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal, out var d) ? d : null;
        var ids = List(form["resourceIds"]).Select(s => Guid.TryParse(s, out var g) ? g : Guid.Empty).ToList();
        var affected = new AffectedInput(form["all"] == "on", form["products"].Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList(), List(form["plans"]),
            List(form["regions"]), Date(form["provisionedFrom"]), Date(form["provisionedTo"]), ids);
        var nothingChosen = affected is { All: false, Products.Count: 0, Plans.Count: 0, Regions.Count: 0, ProvisionedFrom: null, ProvisionedTo: null, ResourceIds.Count: 0 };
        // A follow-up with no audience of its own goes to its advisory's audience (the API's rule for a missing `affected`).
        return new AdvisoryInput(Text(form, "title"), Text(form, "severity"), List(form["cveIds"]), Text(form, "summary"), Text(form, "assessment"),
            Text(form, "mitigation"), List(form["links"]), nothingChosen && form["followUpOf"].Count > 0 ? null : affected);
    }

    /// <summary>The form, filled from <paramref name="a"/> (a saved draft) or from what was typed.</summary>
    public static Html Fields(IEnumerable<(string Id, string Name)> products, AdvisoryInput? a)
    {
        var affected = a?.Affected;
        string Joined(IEnumerable<string>? values, string separator = ", ") => string.Join(separator, values ?? []);
        return H($"""
            <label for="title">Title</label><input id="title" name="title" maxlength="200" value="{a?.Title}" required>
            <label for="severity">Severity</label>
            <select id="severity" name="severity">{Enum.GetNames<AdvisorySeverity>().Select(n => n.ToLowerInvariant()).Select(n => H($"<option{(string.Equals(n, a?.Severity, StringComparison.OrdinalIgnoreCase) ? H($" selected") : Empty)}>{n}</option>"))}</select>
            <label for="cveIds">CVE ids (comma separated)</label><input id="cveIds" name="cveIds" value="{Joined(a?.CveIds)}">
            <label for="summary">What happened</label><textarea id="summary" name="summary" rows="5">{a?.Summary}</textarea>
            <label for="assessment">How to check whether you are exposed</label><textarea id="assessment" name="assessment" rows="4">{a?.Assessment}</textarea>
            <label for="mitigation">What to do</label><textarea id="mitigation" name="mitigation" rows="4">{a?.Mitigation}</textarea>
            <label for="links">Links (one per line)</label><textarea id="links" name="links" rows="2">{Joined(a?.Links, "\n")}</textarea>
            <fieldset id="affected"><legend>Who is affected (every given criterion must hold)</legend>
            <label><input type="checkbox" name="all" id="all"{(affected?.All == true ? H($" checked") : Empty)}> All live resources</label>
            <p>{products.Select(p => H($"<label class=\"inline\"><input type=\"checkbox\" name=\"products\" value=\"{p.Id}\"{((affected?.Products ?? []).Contains(p.Id) ? H($" checked") : Empty)}> {p.Name}</label> "))}</p>
            <label for="plans">Plans (product:plan, comma separated)</label><input id="plans" name="plans" value="{Joined(affected?.Plans)}">
            <label for="regions">Regions (comma separated)</label><input id="regions" name="regions" value="{Joined(affected?.Regions)}">
            <label for="provisionedFrom">Provisioned from (UTC)</label><input id="provisionedFrom" name="provisionedFrom" type="date" value="{affected?.ProvisionedFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}">
            <label for="provisionedTo">Provisioned to (UTC)</label><input id="provisionedTo" name="provisionedTo" type="date" value="{affected?.ProvisionedTo?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}">
            <label for="resourceIds">Resource ids</label><input id="resourceIds" name="resourceIds" value="{Joined(affected?.ResourceIds?.Select(g => g.ToString()))}">
            </fieldset>
            """);
    }

    public static AdvisoryInput Input(Advisory a) => new(a.Title, a.Severity.ToString().ToLowerInvariant(), a.CveIds, a.Summary, a.Assessment, a.Mitigation, a.Links,
        new AffectedInput(a.AffectsAll, a.AffectedProducts, a.AffectedPlans, a.AffectedRegions, a.ProvisionedFrom, a.ProvisionedTo, a.AffectedResourceIds));

    /// <summary>The preview panel: exactly the email's From, To, Subject and text, refreshed by console-advisory.js as the operator types.</summary>
    public static Html Preview(EmailPreview? email, AdvisoryReach? reach, string? error) => H($"""
        <section id="preview" aria-live="polite"><h2>Preview</h2>
        <p id="reach">{(reach is null ? "" : $"Would reach {reach.Resources} resource(s) and {reach.Recipients} recipient(s); {reach.Unreachable} resource(s) have no known contact.")}</p>
        <p class="errors" id="preview-error" role="alert"{(error is null ? H($" hidden") : Empty)}>{error}</p>
        <dl class="facts"><dt>From</dt><dd id="preview-from">{email?.From}</dd><dt>To</dt><dd id="preview-to">{email?.To}</dd><dt>Subject</dt><dd id="preview-subject">{email?.Subject}</dd></dl>
        <pre id="preview-text">{email?.Text}</pre>
        </section>
        """);
}
