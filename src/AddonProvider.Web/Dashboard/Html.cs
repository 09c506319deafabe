using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace AddonProvider.Web.Dashboard;

/// <summary>
/// A fragment of HTML that is already safe to emit. Built only through <see cref="H"/>, whose interpolation holes
/// are HTML-encoded unless they are themselves <see cref="Html"/>: a customer value cannot reach a page unencoded
/// by forgetting to call an encoder.
/// </summary>
public readonly record struct Html(string Value)
{
    public static readonly Html Empty = new("");

    public static Html H(HtmlBuilder builder) => builder.Build();

    public static Html Join(IEnumerable<Html> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary>Builds the fragment only when the condition holds (its holes may not be valid otherwise).</summary>
    public static Html When(bool condition, Func<Html> html) => condition ? html() : Empty;

    public override string ToString() => Value;
}

[InterpolatedStringHandler]
public ref struct HtmlBuilder
{
    private readonly StringBuilder _sb;

    public HtmlBuilder(int literalLength, int formattedCount) => _sb = new StringBuilder(literalLength + formattedCount * 16);

    public readonly void AppendLiteral(string s) => _sb.Append(s);

    public readonly void AppendFormatted(Html html) => _sb.Append(html.Value);

    public readonly void AppendFormatted(IEnumerable<Html> parts)
    {
        foreach (var p in parts) _sb.Append(p.Value);
    }

    public readonly void AppendFormatted<T>(T value) => AppendFormatted(value, null);

    public readonly void AppendFormatted<T>(T value, string? format)
    {
        if (value is null) return;
        var text = value is IFormattable f ? f.ToString(format, System.Globalization.CultureInfo.InvariantCulture) : value.ToString();
        _sb.Append(HtmlEncoder.Default.Encode(text ?? ""));
    }

    public readonly Html Build() => new(_sb.ToString());
}
