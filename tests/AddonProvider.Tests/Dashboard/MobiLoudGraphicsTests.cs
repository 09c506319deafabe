using System.Net;
using AddonProvider.Data.Entities;
using AddonProvider.Tests.Infrastructure;
using AddonProvider.Web.MobiLoud;
using Microsoft.EntityFrameworkCore;

namespace AddonProvider.Tests.Dashboard;

/// <summary>The publish form's uploads over HTTP: the body limit that fits a 2 MB splash, the JPEG rules, the frozen request.</summary>
public sealed class MobiLoudGraphicsTests(AppFixture app) : IClassFixture<AppFixture>
{
    private async Task<(Guid Id, HttpClient Client, string Page)> StartedAsync()
    {
        var (id, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var client = await app.SsoLoginAsync(id);
        var page = $"/dashboard/{id}/mobiloud/publish";
        using (var r = await AppFixture.PostFormAsync(client, $"/dashboard/{id}/mobiloud", $"/dashboard/{id}/mobiloud/website",
            MobiLoudDashboardTests.F(("website_url", "https://shop.example.com"))))
            Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Contains("id=\"start-submission\"", await client.GetStringAsync(page));
        using (var start = await AppFixture.PostFormAsync(client, page, $"{page}/start", new Dictionary<string, string>()))
            Assert.Equal(HttpStatusCode.Redirect, start.StatusCode);
        Assert.Contains("id=\"publish-form\"", await client.GetStringAsync(page));
        return (id, client, page);
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient client, string page, string kind, byte[] bytes, string fileName = "splash.jpg")
    {
        var token = await AppFixture.AntiforgeryTokenAsync(client, page);
        using var content = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new ByteArrayContent(bytes), "file", fileName },
        };
        return await client.PostAsync($"{page}/graphics/{kind}", content);
    }

    private async Task<List<MobiLoudGraphic>> RowsAsync(Guid id)
    {
        await using var db = app.Db();
        return await db.MobiLoudGraphics.AsNoTracking().Where(g => g.ResourceId == id).ToListAsync();
    }

    [Fact]
    public async Task Splash_A2MbJpegFitsTheBodyLimit_ALargerBodyIs413_AndASmallOrLandscapeImageIsRefused()
    {
        var (id, client, page) = await StartedAsync();

        using (var tooBig = await UploadAsync(client, page, "splash", TestImages.JpegHeader(1242, 2688, (int)(3 * AppGraphics.MiB))))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
            Assert.Contains("too large", await tooBig.Content.ReadAsStringAsync());
        }
        using (var small = await UploadAsync(client, page, "splash", TestImages.JpegHeader(1080, 1920)))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, small.StatusCode);
            Assert.Contains("The splash screen must be at least 1242×2688 pixels; this image is 1080×1920.", WebUtility.HtmlDecode(await small.Content.ReadAsStringAsync()));
        }
        using (var overTwo = await UploadAsync(client, page, "splash", TestImages.JpegHeader(1242, 2688, (int)(2 * AppGraphics.MiB) + 1)))
        {
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, overTwo.StatusCode);
            Assert.Contains("The splash screen is 2,097,153 bytes; it must be at most 2 MB (2,097,152 bytes).", WebUtility.HtmlDecode(await overTwo.Content.ReadAsStringAsync()));
        }
        Assert.Empty(await RowsAsync(id));

        var exactly2Mb = TestImages.JpegHeader(1242, 2688, (int)(2 * AppGraphics.MiB));
        using (var ok = await UploadAsync(client, page, "splash", exactly2Mb))
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var row = Assert.Single(await RowsAsync(id));
        Assert.Equal(("splash", "image/jpeg", 1242, 2688, 2 * 1024 * 1024), (row.Kind, row.ContentType, row.Width, row.Height, row.Bytes.Length));

        using var served = await client.GetAsync($"{page}/graphics/splash");
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType!.MediaType);
        Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(exactly2Mb, await served.Content.ReadAsByteArrayAsync());

        // Another resource's session cannot read it.
        var (otherId, _) = await app.ProvisionOkAsync("mobiloud", "starter");
        var other = await app.SsoLoginAsync(otherId);
        using var foreign = await other.GetAsync($"{page}/graphics/splash");
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task Upload_AfterTheRequestWasSubmitted_IsRefusedAndChangesNothing()
    {
        var (id, client, page) = await StartedAsync();
        using (var ok = await UploadAsync(client, page, "icon", TestImages.Png(1024, 1024), "icon.png"))
            Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        var before = Assert.Single(await RowsAsync(id));
        await using (var db = app.Db())
            await db.MobiLoudSubmissions.Where(s => s.ResourceId == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, SubmissionStatus.Submitted));

        using var late = await UploadAsync(client, page, "icon", TestImages.Png(1024, 1024, 1, 2, 3), "other.png");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains(PublishingService.AlreadySubmitted, WebUtility.HtmlDecode(await late.Content.ReadAsStringAsync()));
        var after = Assert.Single(await RowsAsync(id));
        Assert.Equal(before.Bytes, after.Bytes);
        Assert.Equal(before.UploadedAt, after.UploadedAt);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xD8, 0xFF, 0xD9 }, null)] // a JPEG that ends before any frame header
    [InlineData(new byte[] { 0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 1, 0, 1, 0 }, null)] // GIF
    public void ImageHeader_RefusesWhatIsNotAPngOrJpegFrame(byte[] bytes, ImageHeader? expected) =>
        Assert.Equal(expected, ImageHeader.Read(bytes));

    [Fact]
    public void ImageHeader_ReadsPngAndJpegSizes_FromTheBytes()
    {
        Assert.Equal(new ImageHeader(ImageHeader.Png, 1024, 768), ImageHeader.Read(TestImages.Png(1024, 768)));
        Assert.Equal(new ImageHeader(ImageHeader.Jpeg, 1242, 2688), ImageHeader.Read(TestImages.JpegHeader(1242, 2688)));
        var progressive = TestImages.JpegHeader(2000, 3000);
        progressive[21] = 0xC2; // SOF2
        Assert.Equal(new ImageHeader(ImageHeader.Jpeg, 2000, 3000), ImageHeader.Read(progressive));
    }
}
