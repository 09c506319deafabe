using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AddonProvider.Tests.Admin;

/// <summary>
/// A minimal OpenID Connect provider on its own Kestrel socket: discovery document, JWKS, and the authorization-code
/// flow with PKCE (an authorize endpoint that signs in <see cref="User"/> at once, a token endpoint that checks the code
/// verifier against the challenge). It stands in for the operators' identity provider (ADMIN_JWT_AUTHORITY).
/// </summary>
public sealed class IdentityProvider : IAsyncDisposable
{
    private sealed record Grant(string ClientId, string RedirectUri, string? Nonce, string Challenge, string Subject, string Role);

    private WebApplication? _app;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Grant> _codes = new();
    public RSA Key { get; } = RSA.Create(2048);
    public const string KeyId = "test-key-1";
    public string Issuer { get; private set; } = "";

    /// <summary>Who the authorize endpoint signs in.</summary>
    public (string Subject, string Role) User { get; set; } = ("olivia", AdminRoles.Operator);

    /// <summary>Token requests whose code verifier matched the challenge / did not.</summary>
    public int PkceVerified => _pkceVerified;
    public int PkceRefused => _pkceRefused;
    private int _pkceVerified, _pkceRefused;

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new
        {
            issuer = Issuer, jwks_uri = $"{Issuer}/jwks", authorization_endpoint = $"{Issuer}/authorize", token_endpoint = $"{Issuer}/token",
            response_types_supported = new[] { "code" }, subject_types_supported = new[] { "public" },
            id_token_signing_alg_values_supported = new[] { "RS256" }, code_challenge_methods_supported = new[] { "S256" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(Key.ExportParameters(false)) { KeyId = KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        _app.MapGet("/authorize", (HttpRequest r) =>
        {
            var q = r.Query;
            if (q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
                return Results.BadRequest("code flow with S256 PKCE only");
            var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            _codes[code] = new Grant(q["client_id"]!, q["redirect_uri"]!, q["nonce"], q["code_challenge"]!, User.Subject, User.Role);
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        _app.MapPost("/token", async (HttpRequest r) =>
        {
            var f = await r.ReadFormAsync();
            if (f["grant_type"] != "authorization_code" || !_codes.TryRemove(f["code"].ToString(), out var grant)
                || grant.RedirectUri != f["redirect_uri"] || grant.ClientId != f["client_id"])
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            var challenge = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(f["code_verifier"].ToString())));
            if (challenge != grant.Challenge)
            {
                Interlocked.Increment(ref _pkceRefused);
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE verification failed" }, statusCode: 400);
            }
            Interlocked.Increment(ref _pkceVerified);
            var claims = new Dictionary<string, object> { ["sub"] = grant.Subject, ["role"] = grant.Role };
            if (grant.Nonce is not null) claims["nonce"] = grant.Nonce;
            var idToken = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = Issuer, Audience = grant.ClientId, IssuedAt = DateTime.UtcNow, Expires = DateTime.UtcNow.AddMinutes(10), Claims = claims,
                SigningCredentials = new SigningCredentials(new RsaSecurityKey(Key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
            });
            return Results.Json(new { access_token = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)), token_type = "Bearer", expires_in = 600, id_token = idToken });
        });
        await _app.StartAsync();
        Issuer = AppFixture.AddressOf(_app).ToString().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync();
        Key.Dispose();
    }
}

public sealed class OidcFixture : AppFixture
{
    public IdentityProvider Provider { get; } = new();

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["role"] = "web",
        ["ADMIN_JWT_AUTHORITY"] = Provider.Issuer,
        ["ADMIN_OIDC_CLIENT_ID"] = ConsoleClientId,
    };

    public const string ConsoleClientId = "operators-console";

    public override async Task InitializeAsync()
    {
        await Provider.StartAsync();
        await base.InitializeAsync();
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }
}

/// <summary>Operators authenticated by an OIDC authority (ADMIN_JWT_AUTHORITY) instead of the local HS256 key.</summary>
public sealed class OidcOperatorTests(OidcFixture app) : IClassFixture<OidcFixture>
{
    private string Token(RSA? key = null, string? issuer = null, string? audience = null, string role = AdminRoles.Operator, string keyId = IdentityProvider.KeyId) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? app.Provider.Issuer,
            Audience = audience ?? AdminJwtSettings.DefaultAudience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = "olivia", ["role"] = role },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key ?? app.Provider.Key) { KeyId = keyId }, SecurityAlgorithms.RsaSha256),
        });

    private async Task<HttpResponseMessage> GetResourcesAsync(string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/admin/resources");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await app.Client.SendAsync(request);
    }

    [Fact]
    public async Task TokenSignedByTheAuthoritysKey_IsAccepted_AndItsRoleApplies()
    {
        var body = await (await GetResourcesAsync(Token())).ExpectAsync(HttpStatusCode.OK);
        Assert.True(body.TryGetProperty("items", out _));
        // The security role does not open operator routes, under an authority as with the local key.
        await (await GetResourcesAsync(Token(role: AdminRoles.Security))).ExpectProblemAsync(HttpStatusCode.Forbidden, "'operator' role");
    }

    [Fact]
    public async Task TokenSignedByAnotherKeyUnderTheSameKeyId_Is401()
    {
        using var other = RSA.Create(2048);
        await (await GetResourcesAsync(Token(key: other))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "valid operator token");
    }

    [Fact]
    public async Task TokenFromAnotherIssuerOrForAnotherAudience_Is401()
    {
        await (await GetResourcesAsync(Token(issuer: "https://evil.example"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "valid operator token");
        await (await GetResourcesAsync(Token(audience: "someone-else"))).ExpectProblemAsync(HttpStatusCode.Unauthorized, "valid operator token");
    }

    [Fact]
    public async Task LocalHs256Token_IsRefusedUnderAnAuthority()
    {
        // The development key signs nothing here: with an authority, only its published keys do.
        var hs256 = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = app.Provider.Issuer,
            Audience = AdminJwtSettings.DefaultAudience,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["sub"] = "mallory", ["role"] = AdminRoles.Operator },
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(AdminJwtSettings.DevSigningKey)), SecurityAlgorithms.HmacSha256),
        });
        await (await GetResourcesAsync(hs256)).ExpectProblemAsync(HttpStatusCode.Unauthorized, "valid operator token");
    }
}
