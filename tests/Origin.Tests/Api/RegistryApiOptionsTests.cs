using System.Net;
using EdgeRegistry.Origin.Api;

namespace EdgeRegistry.Origin.Tests.Api;

public sealed class RegistryApiOptionsTests
{
    [Fact]
    public async Task Delete_DeletesDisabled_Returns405Unsupported()
    {
        await using var origin = await TestOrigin.StartAsync(new RegistryApiOptions { DeleteEnabled = false });
        var (_, digest) = await origin.Client.PushImageAsync("library/app", "v1");
        var blob = await origin.Client.PushBlobAsync("library/app", [1, 2]);

        using var manifest = await origin.Client.DeleteAsync($"/v2/library/app/manifests/{digest}");
        await manifest.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        using var blobDelete = await origin.Client.DeleteAsync($"/v2/library/app/blobs/{blob}");
        await blobDelete.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        using var still = await origin.Client.GetAsync($"/v2/library/app/manifests/{digest}");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Writes_ReadOnly_Return405AndReadsStillServe()
    {
        var root = Directory.CreateTempSubdirectory("edgeregistry-ro-").FullName;
        string digest;
        await using (var writable = await TestOrigin.StartAsync(new RegistryApiOptions { DeleteEnabled = true }, root: CopyOf(root)))
        {
            (_, digest) = await writable.Client.PushImageAsync("library/app", "v1");
            CopyDirectory(writable.Root, root);
        }

        await using var origin = await TestOrigin.StartAsync(new RegistryApiOptions { ReadOnly = true, DeleteEnabled = true }, root);
        using var post = await origin.Client.PostAsync("/v2/library/app/blobs/uploads/", null);
        await post.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        using var delete = await origin.Client.DeleteAsync($"/v2/library/app/manifests/{digest}");
        await delete.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        using var get = await origin.Client.GetAsync("/v2/library/app/manifests/v1");
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task Post_OnManifest_Returns405Unsupported()
    {
        await using var origin = await TestOrigin.StartAsync();
        using var response = await origin.Client.PostAsync("/v2/library/app/manifests/v1", null);
        await response.AssertErrorAsync(HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
    }

    private static string CopyOf(string root) => root + "-src";

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }
}
