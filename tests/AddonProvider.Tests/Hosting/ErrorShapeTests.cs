using System.Net.Http.Headers;
using System.Text.Json;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.Admin;

namespace AddonProvider.Tests.Hosting;

/// <summary>
/// Pins every error surface's wire shape: status, WWW-Authenticate, the exact `message`, and the body's members.
/// JSON surfaces answer problem+json whose `requestId` is the router's X-Request-Id; `/v1` answers the inference shape
/// and nothing else.
/// </summary>
public sealed class ErrorShapeTests(AdminFixture app) : IClassFixture<AdminFixture>
{
    private const string BasicChallenge = "Basic realm=\"heroku-partner-api\", charset=\"UTF-8\"";
    private const string PartnerAuthMessage = "Invalid or missing add-on credentials (HTTP Basic: the add-on id and its manifest password).";
    private const string OperatorTokenMessage = "A valid operator token is required: Authorization: Bearer <JWT> (see the `token` command).";
    private const string MissingUuid = "uuid is required: Heroku's id for the add-on resource.";
    private static readonly Guid Unknown = Guid.Parse("0e4b1f3a-9c2d-4e5f-8a6b-7c8d9e0f1a2b");

    private enum Shape { Problem, Inference, Html }

    /// <param name="Members">the body's member names, in order; for /v1 those of the inner `error` object</param>
    private sealed record Case(Shape Shape, int Status, string? Challenge, string Message, string Members, Func<AdminFixture, Task<HttpRequestMessage>> Request);

    private static Task<HttpRequestMessage> Ready(HttpRequestMessage request) => Task.FromResult(request);

    private static HttpRequestMessage Bearer(HttpMethod method, string path, string? token)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage HerokuAccept(HttpRequestMessage request)
    {
        request.Headers.Accept.ParseAdd("application/vnd.heroku-addons+json; version=3");
        return request;
    }

    private static HttpRequestMessage Rerank(string? key, string body)
    {
        var request = Bearer(HttpMethod.Post, "/v1/rerank", key);
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        return request;
    }

    private static async Task<string> InferenceKeyAsync(AdminFixture a)
    {
        var (_, body) = await a.ProvisionOkAsync("inference", "cohere-rerank-3-5");
        return body.GetProperty("config").GetProperty("INFERENCE_KEY").GetString()!;
    }

    // One problem+json writer, so one member list. Before it, the authentication challenges wrote their own bodies:
    // title, status, detail, message (and requestId on /admin, none on the Partner API).
    private const string Handled = "type,title,status,detail,message,traceId,requestId";
    private const string Challenged = Handled;
    private const string InferenceMembers = "code,message,type";

    private static readonly Dictionary<string, Case> Cases = new()
    {
        ["partner: no credentials"] = new(Shape.Problem, 401, BasicChallenge, PartnerAuthMessage, Challenged,
            a => Ready(a.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test")))),
        ["partner: wrong password"] = new(Shape.Problem, 401, BasicChallenge, PartnerAuthMessage, Challenged,
            a => Ready(a.Partner(HttpMethod.Delete, $"/heroku/resources/{Unknown}", product: "mobiloud", password: "wrong"))),
        ["partner: unreadable body"] = new(Shape.Problem, 400, null, "The request body could not be read: it is not valid JSON at line 1.", Handled,
            a => Ready(a.Partner(HttpMethod.Post, "/heroku/resources", "{", "mobiloud"))),
        ["partner: missing uuid"] = new(Shape.Problem, 400, null, MissingUuid, Handled,
            a => Ready(a.Partner(HttpMethod.Post, "/heroku/resources", """{"plan": "test"}""", "mobiloud"))),
        ["partner: unknown resource"] = new(Shape.Problem, 404, null, "No such resource for this add-on.", Handled,
            a => Ready(a.Partner(HttpMethod.Delete, $"/heroku/resources/{Unknown}", product: "mobiloud"))),
        ["partner: missing uuid, Heroku's Accept"] = new(Shape.Problem, 400, null, MissingUuid, Handled,
            a => Ready(HerokuAccept(a.Partner(HttpMethod.Post, "/heroku/resources", """{"plan": "test"}""", "mobiloud")))),
        ["partner: no credentials, Heroku's Accept"] = new(Shape.Problem, 401, BasicChallenge, PartnerAuthMessage, Challenged,
            a => Ready(HerokuAccept(a.Partner(HttpMethod.Post, "/heroku/resources", AppFixture.ProvisionBody(Guid.NewGuid(), "test"))))),
        ["admin: no token"] = new(Shape.Problem, 401, "Bearer", OperatorTokenMessage, Challenged,
            _ => Ready(Bearer(HttpMethod.Get, "/admin/resources", null))),
        ["admin: bad token"] = new(Shape.Problem, 401, "Bearer error=\"invalid_token\"", OperatorTokenMessage, Challenged,
            _ => Ready(Bearer(HttpMethod.Get, "/admin/resources", "not-a-jwt"))),
        ["admin: expired token"] = new(Shape.Problem, 401, "Bearer error=\"invalid_token\"", "The operator token has expired; mint a new one.", Challenged,
            _ => Ready(Bearer(HttpMethod.Get, "/admin/resources",
                AdminTokens.Mint(AdminFixture.DevJwt, "alice", [AdminRoles.Operator], TimeSpan.FromMinutes(10), DateTime.UtcNow.AddMinutes(-30))))),
        ["admin: missing role"] = new(Shape.Problem, 403, null, "This call needs the 'operator' role.", Challenged,
            _ => Ready(Bearer(HttpMethod.Get, "/admin/resources", AdminFixture.Token(AdminRoles.Security)))),
        ["admin: bad query"] = new(Shape.Problem, 400, null, "state must be one of provisioning, provisioned, suspended, deprovisioned, failed.", Handled,
            _ => Ready(Bearer(HttpMethod.Get, "/admin/resources?state=bogus", AdminFixture.Token(AdminRoles.Operator)))),
        ["admin: unknown resource"] = new(Shape.Problem, 404, null, $"No resource {Unknown}.", Handled,
            _ => Ready(Bearer(HttpMethod.Get, $"/admin/resources/{Unknown}", AdminFixture.Token(AdminRoles.Operator)))),
        ["admin jobs: no cookie"] = new(Shape.Problem, 401, null, "Sign in first: POST your operator token to /admin/session (or open /admin/login).", Challenged,
            _ => Ready(Bearer(HttpMethod.Get, "/admin/jobs", null))),
        // Browser surfaces keep their HTML pages.
        ["sso: refused"] = new(Shape.Html, 403, null, "This sign-in link is not valid. Open the add-on again from your Heroku dashboard.", "",
            _ => Ready(SsoForm(new string('0', 40)))),
        ["inference: no key"] = new(Shape.Inference, 401, "Bearer", "Missing Authorization header: send `Authorization: Bearer $INFERENCE_KEY`.", InferenceMembers,
            _ => Ready(Rerank(null, "{}"))),
        ["inference: unknown key"] = new(Shape.Inference, 401, "Bearer", "Invalid API key: it is unknown, revoked or expired.", InferenceMembers,
            _ => Ready(Rerank("inf-0000000000000000000000000000000000000000", "{}"))),
        ["inference: invalid body"] = new(Shape.Inference, 400, null, "model is required", InferenceMembers,
            async a => Rerank(await InferenceKeyAsync(a), "{}")),
        ["inference: unknown route"] = new(Shape.Inference, 404, null, "There is no such inference endpoint.", InferenceMembers,
            async a => Bearer(HttpMethod.Post, "/v1/nothing", await InferenceKeyAsync(a))),
    };

    private static HttpRequestMessage SsoForm(string token) => new(HttpMethod.Post, "/sso/login")
    {
        Content = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["resource_id"] = Unknown.ToString(), ["resource_token"] = token, ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(),
        }),
    };

    public static TheoryData<string> Surfaces => new(Cases.Keys);

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task EverySurface_AnswersItsOneShape_WithTheSameStatusChallengeAndMessage(string name)
    {
        var expected = Cases[name];
        using var request = await expected.Request(app);
        var requestId = $"errshape-{Guid.NewGuid():N}";
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await app.Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();

        Assert.True(expected.Status == (int)response.StatusCode, $"{name}: expected {expected.Status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal(expected.Challenge ?? "", string.Join(", ", response.Headers.WwwAuthenticate));
        Assert.Equal(requestId, Assert.Single(response.Headers.GetValues("X-Request-Id")));
        if (expected.Shape == Shape.Html)
        {
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(System.Net.WebUtility.HtmlEncode(expected.Message), text);
            return;
        }
        var body = JsonDocument.Parse(text).RootElement;
        if (expected.Shape == Shape.Problem)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(expected.Members, string.Join(",", body.EnumerateObject().Select(p => p.Name)));
            Assert.Equal(expected.Message, body.GetProperty("message").GetString());
            Assert.Equal(expected.Message, body.GetProperty("detail").GetString());
            Assert.Equal(expected.Status, body.GetProperty("status").GetInt32());
            Assert.Equal(requestId, body.GetProperty("requestId").GetString());
        }
        else
        {
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal("error", Assert.Single(body.EnumerateObject()).Name);
            var error = body.GetProperty("error");
            Assert.Equal(expected.Members, string.Join(",", error.EnumerateObject().Select(p => p.Name)));
            Assert.Equal(expected.Status, error.GetProperty("code").GetInt32());
            Assert.Equal(expected.Message, error.GetProperty("message").GetString());
        }
    }
}
