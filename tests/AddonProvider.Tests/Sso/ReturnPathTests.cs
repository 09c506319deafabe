using AddonProvider.Web.Dashboard;

namespace AddonProvider.Tests.Sso;

/// <summary>The return path a deep link may carry through Heroku SSO: inside the signed-in resource's dashboard, or nowhere.</summary>
public sealed class ReturnPathTests
{
    private static readonly Guid Id = Guid.Parse("6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11");
    private static readonly Guid Other = Guid.Parse("0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d");

    [Theory]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/kafka")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/security/advisories/0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/kafka/rotate?from=email&x=1")]
    public void InsideTheResource_IsKept(string path) => Assert.Equal(path, DeepLinks.Check(path, Id));

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("https://evil.example/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11")]
    [InlineData("//evil.example/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11//evil.example")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11\\..\\x")]
    [InlineData("/\\evil.example")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/../0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d/kafka")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/..%2F0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/%2e%2e/x")]
    [InlineData("/dashboard/0b7a1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d/kafka")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11x/kafka")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/kafka\r\nSet-Cookie: x=y")]
    [InlineData("/dashboard/6c9d7e36-1b7c-4a0c-a7a1-3e0f8c8f2a11/javascript:alert(1)")]
    [InlineData("/admin/resources")]
    [InlineData("javascript:alert(1)")]
    public void AnythingElse_IsDropped(string path) => Assert.Null(DeepLinks.Check(path, Id));

    [Fact]
    public void AnotherResourcesOwnPath_IsKeptOnlyForIt() =>
        Assert.Equal((string?)null, DeepLinks.Check($"/dashboard/{Other}/kafka", Id));
}
