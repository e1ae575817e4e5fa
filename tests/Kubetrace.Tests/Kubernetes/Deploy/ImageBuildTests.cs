using Kubetrace.Tests.EndToEnd;
using Kubetrace.Tests.EndToEnd.Harness;

namespace Kubetrace.Tests.Kubernetes.Deploy;

/// <summary>
/// The image that <c>scripts/build-image.sh</c> builds (buildah, mmdebstrap), run the only way this machine can: its
/// filesystem mounted (<c>buildah mount</c>) and the binary started inside it with <c>chroot</c> as user 10001,
/// with the image's own configuration (listen addresses made loopback ports). It must start, take a trace, answer
/// the query for it and its health check, and stop cleanly on SIGTERM. Opt-in (<c>KUBETRACE_IMAGE_TEST=1</c>, as root
/// with buildah and mmdebstrap installed; or the tag of an image built before, to run it without building). CI opts
/// in: <c>.ci/run</c> installs the tools and sets the variable when it runs as root (docs/deploy.md).
/// </summary>
[Collection(EndToEndCollection.Name)]
public sealed class ImageBuildTests
{
    private const string Tag = "localhost/kubetrace:image-test";

    [SkippableFact]
    public async Task The_built_image_serves_from_its_own_filesystem_and_stops_cleanly()
    {
        var optIn = Requires.OptIn("KUBETRACE_IMAGE_TEST", "1 to build the image, as root with buildah and mmdebstrap; or the tag of an image built before");
        var tag = optIn == "1" ? Tag : optIn; // or the tag of an image build-image.sh built before

        if (tag == Tag)
        {
            var build = await ReleaseBuilds.RunScriptAsync("build-image.sh", Tag);
            Assert.True(build.Code == 0, $"build-image.sh failed ({build.Code}):\n{build.Output}");
        }
        var container = await Must("buildah", "from", tag);
        try
        {
            var root = await Must("buildah", "mount", container);
            Directory.CreateDirectory(Path.Combine(root, "proc")); // the image has neither (a container runtime makes them)
            Directory.CreateDirectory(Path.Combine(root, "dev"));
            await Must("mount", "-t", "proc", "proc", Path.Combine(root, "proc"));
            await Must("mount", "--bind", "/dev", Path.Combine(root, "dev"));
            try
            {
                await ServesAndStopsAsync(root);
            }
            finally
            {
                await CommandLine.RunAsync("umount", [Path.Combine(root, "dev")]);
                await CommandLine.RunAsync("umount", [Path.Combine(root, "proc")]);
            }
        }
        finally
        {
            await CommandLine.RunAsync("buildah", ["rm", container]);
            if (tag == Tag) await CommandLine.RunAsync("buildah", ["rmi", Tag]);
        }
    }

    private static async Task ServesAndStopsAsync(string root)
    {
        var imageConfig = await File.ReadAllTextAsync(Path.Combine(root, "etc", "kubetrace", "config.yaml"));
        // Ports chosen again when one was taken between the choice and the image's server binding it.
        var (started, ports) = await FreePorts.StartOnFreshAsync(6, async ports =>
        {
            await File.WriteAllTextAsync(Path.Combine(root, "tmp", "test-config.yaml"),
                LocalConfig.From(imageConfig, LocalConfig.Listeners(LocalConfig.StorePorts, ports)));
            return (await KubetraceProcess.StartCommandAsync("chroot",
                ["--userspec=10001:10001", root, "/app/kubetrace", "serve", "--config", "/tmp/test-config.yaml"],
                [("127.0.0.1", ports[0]), ("127.0.0.1", ports[2])]), ports);
        });
        await using var server = started;
        using (var sender = OtlpSender.Grpc(new Uri($"http://127.0.0.1:{ports[0]}")))
        {
            var (sent, failure) = await sender.SendTraceAsync("image-test", 2);
            Assert.True(sent is not null, $"the image's kubetrace did not acknowledge a trace: {failure}\n{server.Describe()}");
            using var stored = new StoredTraces(new Uri($"http://127.0.0.1:{ports[2]}"));
            Assert.Equal(sent.SpanIds.ToHashSet(), await stored.SpanIdsAsync(sent.TraceId));
        }
        var health = await CommandLine.RunAsync("chroot",
            ["--userspec=10001:10001", root, "/app/kubetrace", "healthcheck", "--url", $"http://127.0.0.1:{ports[4]}/"]);
        Assert.True(health.Code == 0, $"the image's health check failed ({health.Code}): {health.Output}");
        await server.StopCleanlyAsync();
    }

    /// <summary>Runs a command that must succeed; its standard output, trimmed.</summary>
    private static async Task<string> Must(string file, params string[] args)
    {
        var result = await CommandLine.RunAsync(file, args);
        Assert.True(result.Code == 0, $"{file} {string.Join(' ', args)} failed ({result.Code}):\n{result.Output}");
        return result.Stdout.Trim();
    }
}
