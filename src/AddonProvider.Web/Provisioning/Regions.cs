namespace AddonProvider.Web.Provisioning;

/// <summary>Heroku region names and the two regions we run in.</summary>
public static class Regions
{
    public static readonly IReadOnlyList<string> Supported = ["us", "eu"];

    public static string? Normalize(string? region) => region?.Trim().ToLowerInvariant() switch
    {
        null or "" => "us", // Heroku always sends one; legacy tools may not.
        "us" or "amazon-web-services::us-east-1" or "amazon-web-services::us-west-2" => "us",
        "eu" or "amazon-web-services::eu-west-1" or "amazon-web-services::eu-central-1" => "eu",
        _ => null,
    };

    public const string SupportedText =
        "us (amazon-web-services::us-east-1, amazon-web-services::us-west-2) and eu (amazon-web-services::eu-west-1, amazon-web-services::eu-central-1)";
}
