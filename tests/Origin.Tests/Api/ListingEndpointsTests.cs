using System.Net;
using System.Text.Json;

namespace EdgeRegistry.Origin.Tests.Api;

public sealed class ListingEndpointsTests : IAsyncLifetime
{
    private TestOrigin origin = null!;

    private HttpClient Client => origin.Client;

    public async Task InitializeAsync() => origin = await TestOrigin.StartAsync();

    public async Task DisposeAsync() => await origin.DisposeAsync();

    [Fact]
    public async Task GetTags_Paged_WalksEveryTagOnceFollowingLink()
    {
        var (manifest, _) = await Client.PushImageAsync("library/app", "t00");
        for (var i = 1; i < 12; i++)
        {
            using var put = await Client.PutManifestAsync("library/app", $"t{i:00}", manifest);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var seen = new List<string>();
        var next = "/v2/library/app/tags/list?n=5";
        var pages = 0;
        while (next is not null)
        {
            using var response = await Client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("library/app", json.RootElement.GetProperty("name").GetString());
            seen.AddRange(json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
            next = response.Headers.TryGetValues("Link", out var link) ? ParseLink(link.Single()) : null;
            pages++;
        }

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"t{i:00}"), seen);
    }

    [Fact]
    public async Task GetTags_LastGiven_StartsAfterIt()
    {
        var (manifest, _) = await Client.PushImageAsync("library/app", "a");
        using var b = await Client.PutManifestAsync("library/app", "b", manifest);
        using var c = await Client.PutManifestAsync("library/app", "c", manifest);

        using var response = await Client.GetAsync("/v2/library/app/tags/list?last=a");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(["b", "c"], json.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.False(response.Headers.Contains("Link"));
    }

    [Fact]
    public async Task GetTags_UnknownRepository_ReturnsNameUnknown()
    {
        using var response = await Client.GetAsync("/v2/library/none/tags/list");
        await response.AssertErrorAsync(HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Theory]
    [InlineData("n=-1")]
    [InlineData("n=abc")]
    public async Task GetCatalog_InvalidN_Returns400(string query)
    {
        using var response = await Client.GetAsync($"/v2/_catalog?{query}");
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "PAGINATION_NUMBER_INVALID");
    }

    [Fact]
    public async Task GetCatalog_Paged_ListsEveryRepositoryOnce()
    {
        var names = Enumerable.Range(0, 7).Select(i => $"project/repo{i}").ToList();
        foreach (var name in names)
        {
            await Client.PushBlobAsync(name, [1]);
        }

        var seen = new List<string>();
        var next = "/v2/_catalog?n=3";
        while (next is not null)
        {
            using var response = await Client.GetAsync(next);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            seen.AddRange(json.RootElement.GetProperty("repositories").EnumerateArray().Select(t => t.GetString()!));
            next = response.Headers.TryGetValues("Link", out var link) ? ParseLink(link.Single()) : null;
        }

        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task GetCatalog_NZero_ReturnsEmptyList()
    {
        await Client.PushBlobAsync("project/repo", [1]);
        using var response = await Client.GetAsync("/v2/_catalog?n=0");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(0, json.RootElement.GetProperty("repositories").GetArrayLength());
    }

    private static string ParseLink(string link)
    {
        Assert.EndsWith("; rel=\"next\"", link);
        return link[1..link.IndexOf('>')];
    }
}
