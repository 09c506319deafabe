using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AddonProvider.Simulator;

/// <summary>
/// Heroku over real HTTP: the OAuth token endpoint, the Platform API calls a partner makes, and control routes
/// under <c>/_</c> (recorded calls, fault and hold switches, SSO links). Used by <c>serve</c> and by the tests.
/// </summary>
public static class HerokuSimulator
{
    public sealed record Running(WebApplication App, SimulatorState State, Uri BaseAddress) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    public static async Task<Running> StartAsync(string url, string providerUrl, Func<string, string>? oauthSecret = null, Func<string, string>? ssoSalt = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(url);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var state = new SimulatorState();
        var app = builder.Build();
        Map(app, state, providerUrl.TrimEnd('/'), oauthSecret ?? AddonSecrets.OAuthClientSecret, ssoSalt ?? AddonSecrets.SsoSalt);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Running(app, state, new Uri(address.Replace("[::]", "localhost").Replace("0.0.0.0", "localhost")));
    }

    private static void Map(WebApplication app, SimulatorState state, string providerUrl, Func<string, string> oauthSecret, Func<string, string> ssoSalt)
    {
        // A secret nobody gave the simulator: say which variable is missing, to the caller and on the console.
        app.Use(async (http, next) =>
        {
            try { await next(); }
            catch (MissingSecretException e) when (!http.Response.HasStarted)
            {
                Console.Error.WriteLine($"simulator: {e.Message}");
                http.Response.StatusCode = 500;
                await http.Response.WriteAsync(e.Message);
            }
        });

        // Every call to the simulated Heroku (not the /_ control routes) is recorded, may be failed or held.
        app.Use(async (http, next) =>
        {
            var path = http.Request.Path.Value ?? "/";
            if (path.StartsWith("/_", StringComparison.Ordinal) || path == LogplexSimulator.Path) { await next(); return; }
            var call = state.Record(http.Request.Method, path, http.Request.Headers.UserAgent.ToString());
            http.Items[nameof(RecordedCall)] = call;
            if (http.Request.ContentType?.Contains("json") == true)
            {
                http.Request.EnableBuffering();
                call.Body = await new StreamReader(http.Request.Body).ReadToEndAsync();
                http.Request.Body.Position = 0;
            }
            if (state.TakeHold(path) is { } hold)
            {
                try { await hold.WaitAsync(http.RequestAborted); }
                catch (OperationCanceledException) { call.Status = 499; return; }
            }
            if (state.TakeFault(path) is { } fault)
            {
                http.Response.StatusCode = fault.Status;
                if (fault.RetryAfterSeconds is { } s) http.Response.Headers.RetryAfter = s.ToString();
                call.Status = fault.Status;
                await http.Response.WriteAsJsonAsync(new { id = fault.Status == 429 ? "rate_limit" : "internal_error", message = "simulated fault" });
                return;
            }
            await next();
            call.Status = http.Response.StatusCode;
        });

        app.MapPost("/oauth/token", async (HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            var call = (RecordedCall)http.Items[nameof(RecordedCall)]!;
            call.GrantType = form["grant_type"];
            IssuedToken? previous = null;
            string product;
            Guid resourceId;
            switch ((string?)form["grant_type"])
            {
                case "authorization_code":
                    if (!GrantCodes.TryParse(form["code"], out product, out resourceId, out var expiresAt))
                        return OAuthError("invalid_grant", "unknown code");
                    if (expiresAt < DateTimeOffset.UtcNow) return OAuthError("invalid_grant", "the code expired");
                    if (!state.UsedCodes.TryAdd(form["code"]!, true)) return OAuthError("invalid_grant", "the code was already used");
                    break;
                case "refresh_token":
                    if (!state.RefreshTokens.TryGetValue(form["refresh_token"].ToString(), out previous))
                        return OAuthError("invalid_grant", "unknown refresh token");
                    call.ResourceId = previous.ResourceId; // recorded for a refused refresh too
                    if (state.RevokedTokens.ContainsKey(form["refresh_token"].ToString()))
                        return OAuthError("invalid_grant", "the refresh token was revoked");
                    (product, resourceId) = (previous.Product, previous.ResourceId);
                    break;
                default:
                    return OAuthError("unsupported_grant_type", "grant_type must be authorization_code or refresh_token");
            }
            if (!FixedTimeEquals(form["client_secret"].ToString(), oauthSecret(product)))
                return OAuthError("invalid_client", "wrong client_secret for " + product);

            var addon = state.Addons.GetOrAdd(resourceId, id => NewAddon(id, product));
            var token = new IssuedToken(resourceId, product, state.NextSerial(resourceId), DateTime.UtcNow.AddSeconds(state.ExpiresInSeconds));
            var access = "sim-access-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var refresh = previous is null ? "sim-refresh-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)) : form["refresh_token"].ToString();
            state.AccessTokens[access] = token;
            state.RefreshTokens[refresh] = token;
            call.TokenSerial = token.Serial;
            call.ResourceId = resourceId;
            return Results.Json(new
            {
                access_token = access, refresh_token = refresh, expires_in = state.ExpiresInSeconds, token_type = "Bearer",
                user_id = DeterministicGuid("user", addon.OwnerEmail), session_nonce = (string?)null,
            });
        });

        app.MapGet("/addons/{id:guid}", (Guid id, HttpContext http) => WithAddon(http, state, id, addon => Results.Json(AddonJson(addon))));
        app.MapPatch("/addons/{id:guid}/config", async (Guid id, HttpContext http) =>
        {
            var body = await http.Request.ReadFromJsonAsync<JsonElement>();
            return WithAddon(http, state, id, addon =>
            {
                if (!body.TryGetProperty("config", out var config) || config.ValueKind != JsonValueKind.Array)
                    return Results.Json(new { id = "invalid_params", message = "config must be an array of {name, value}" }, statusCode: 422);
                foreach (var item in config.EnumerateArray())
                    addon.Config[item.GetProperty("name").GetString()!] = item.GetProperty("value").GetString()!;
                return Results.Json(addon.Config.Select(kv => new { name = kv.Key, value = kv.Value }));
            });
        });
        app.MapPost("/addons/{id:guid}/actions/provision", (Guid id, HttpContext http) => WithAddon(http, state, id, addon =>
        {
            addon.State = "provisioned";
            return Results.Json(AddonJson(addon));
        }));
        app.MapGet("/apps/{appId}", (string appId, HttpContext http) =>
        {
            if (Authorize(http, state) is not { } token) return Results.Json(new { id = "unauthorized", message = "bad bearer token" }, statusCode: 401);
            if (!state.Addons.TryGetValue(token.ResourceId, out var addon) || addon.AppId != appId)
                return Results.Json(new { id = "forbidden", message = "this token cannot read that app" }, statusCode: 403);
            // A team-owned app's owner is the team's own address (usually no person), as on Heroku.
            var team = addon.Team;
            var owner = team is null ? new { id = DeterministicGuid("user", addon.OwnerEmail), email = addon.OwnerEmail } : new { id = team.Id, email = team.Email };
            return Results.Json(new { id = addon.AppId, name = addon.AppName, owner, team = team is null ? null : new { id = team.Id, name = team.Name } });
        });
        app.MapGet("/apps/{appId}/collaborators", (string appId, HttpContext http) =>
        {
            if (Authorize(http, state) is not { } token) return Results.Json(new { id = "unauthorized", message = "bad bearer token" }, statusCode: 401);
            if (!state.Addons.TryGetValue(token.ResourceId, out var addon) || addon.AppId != appId)
                return Results.Json(new { id = "forbidden", message = "this token cannot read that app" }, statusCode: 403);
            return Results.Json(addon.Collaborators.Select(c => new
            {
                app = new { id = addon.AppId, name = addon.AppName },
                id = DeterministicGuid("collaborator", addon.AppId + c.Email),
                permissions = (c.Permissions ?? ["view", "deploy", "operate", "manage"]).Select(p => new { name = p, description = p }),
                role = c.Role ?? (addon.Team is null ? "collaborator" : "member"),
                user = new { email = c.Email, federated = false, id = c.Id },
            }));
        });
        app.MapGet("/teams/{teamId}/members", (string teamId, HttpContext http) =>
        {
            if (Authorize(http, state) is not { } token) return Results.Json(new { id = "unauthorized", message = "bad bearer token" }, statusCode: 401);
            if (!state.Addons.TryGetValue(token.ResourceId, out var addon) || addon.Team is not { } team || team.Id != teamId)
                return Results.Json(new { id = "forbidden", message = "this token cannot read that team" }, statusCode: 403);
            return Results.Json(team.Members.Select(m => new
            {
                email = m.Email, federated = false, id = DeterministicGuid("member", team.Id + m.Email), role = m.Role ?? "member",
                two_factor_authentication = true, user = new { email = m.Email, id = m.Id, name = (string?)null },
            }));
        });

        LogplexSimulator.Map(app, state.Logplex);

        // Control routes.
        app.MapGet("/_calls", () => state.Calls.OrderBy(c => c.Seq));
        app.MapDelete("/_calls", () => { state.Reset(); return Results.NoContent(); });
        app.MapPost("/_faults", (FaultRule rule) => { state.FailNext(rule.Status, rule.Count, rule.RetryAfterSeconds, rule.PathContains); return Results.NoContent(); });
        app.MapPost("/_hold", (HoldRule rule) => { state.HoldNext(rule.PathContains, rule.Count); return Results.NoContent(); });
        app.MapGet("/_held", () => state.Calls.Where(c => c.Status == 0).OrderBy(c => c.Seq));
        app.MapPost("/_release", () => { state.Release(); return Results.NoContent(); });
        app.MapPost("/_addons", (RegisterAddon r) =>
        {
            var addon = state.Addons.GetOrAdd(r.Id, id => NewAddon(id, r.Product));
            return Results.Json(AddonJson(addon));
        });
        app.MapGet("/_addons/{id:guid}", (Guid id) =>
            state.Addons.TryGetValue(id, out var a) ? Results.Json(new { id = a.Id, product = a.Product, state = a.State, config = a.Config }) : Results.NotFound());
        app.MapPut("/_addons/{id:guid}/owner", (Guid id, OwnerChange change) =>
        {
            if (!state.Addons.TryGetValue(id, out var a)) return Results.NotFound();
            a.OwnerEmail = change.Email;
            return Results.NoContent();
        });
        app.MapPut("/_addons/{id:guid}/collaborators", (Guid id, List<SimulatedUser> users) =>
        {
            if (!state.Addons.TryGetValue(id, out var a)) return Results.NotFound();
            a.Collaborators = users;
            return Results.NoContent();
        });
        app.MapPut("/_addons/{id:guid}/team", (Guid id, SimulatedTeam team) =>
        {
            if (!state.Addons.TryGetValue(id, out var a)) return Results.NotFound();
            a.Team = team;
            return Results.NoContent();
        });
        app.MapDelete("/_addons/{id:guid}/team", (Guid id) =>
        {
            if (!state.Addons.TryGetValue(id, out var a)) return Results.NotFound();
            a.Team = null;
            return Results.NoContent();
        });
        app.MapPost("/_revoke", (RevokeRule rule) => { state.Revoke(rule.ResourceId, rule.RefreshTokens); return Results.NoContent(); });
        app.MapGet("/_sso/{id:guid}", (Guid id, string? product, string? email) =>
        {
            product ??= state.Addons.TryGetValue(id, out var a) ? a.Product : null;
            if (product is null) return Results.BadRequest("unknown resource: pass ?product=<product>");
            // ?email= signs in as that user (a collaborator, say); by default the app's owner opens the add-on.
            email ??= state.Addons.TryGetValue(id, out var known) ? known.OwnerEmail : "owner@example.com";
            return Results.Content(SsoForm.Html(providerUrl, id, product, ssoSalt(product), DeterministicGuid("user", email), email), "text/html");
        });
    }

    public sealed record RegisterAddon(Guid Id, string Product);
    public sealed record OwnerChange(string Email);

    private static SimulatedAddon NewAddon(Guid id, string product) => new()
    {
        Id = id, Product = product,
        AppId = DeterministicGuid("app", id.ToString()), AppName = $"sim-app-{id.ToString()[..8]}",
        OwnerEmail = $"owner-{id.ToString()[..8]}@example.com",
    };

    private static object AddonJson(SimulatedAddon a) => new
    {
        id = a.Id, name = $"{a.Product}-{a.Id.ToString()[..8]}", state = a.State,
        addon_service = new { name = a.Product }, app = new { id = a.AppId, name = a.AppName },
        billing_entity = a.Team is { } team ? new { id = team.Id, name = team.Name, type = "team" } : new { id = a.AppId, name = a.AppName, type = "app" },
        config_vars = a.Config.Keys.Order(),
    };

    private static IResult WithAddon(HttpContext http, SimulatorState state, Guid id, Func<SimulatedAddon, IResult> then)
    {
        if (Authorize(http, state) is not { } token) return Results.Json(new { id = "unauthorized", message = "bad bearer token" }, statusCode: 401);
        if (token.ResourceId != id || !state.Addons.TryGetValue(id, out var addon))
            return Results.Json(new { id = "forbidden", message = "this token is scoped to another add-on" }, statusCode: 403);
        if (http.Request.Headers.Accept.ToString() != "application/vnd.heroku+json; version=3")
            return Results.Json(new { id = "bad_request", message = "Accept must be application/vnd.heroku+json; version=3" }, statusCode: 400);
        return then(addon);
    }

    private static IssuedToken? Authorize(HttpContext http, SimulatorState state)
    {
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal)) return null;
        if (!state.AccessTokens.TryGetValue(header[7..], out var token) || token.ExpiresAt < DateTime.UtcNow
            || state.RevokedTokens.ContainsKey(header[7..])) return null;
        var call = (RecordedCall)http.Items[nameof(RecordedCall)]!;
        call.TokenSerial = token.Serial;
        call.ResourceId = token.ResourceId;
        return token;
    }

    private static IResult OAuthError(string error, string description) =>
        Results.Json(new { error, error_description = description }, statusCode: 400);

    private static bool FixedTimeEquals(string a, string b) =>
        CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(a)), SHA256.HashData(Encoding.UTF8.GetBytes(b)));

    public static string DeterministicGuid(string kind, string seed) =>
        new Guid(MD5.HashData(Encoding.UTF8.GetBytes(kind + ":" + seed))).ToString();
}
