using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using NexOS.Tests.Boot;

namespace NexOS.Tests.Build;

/// <summary>
/// The kernel project's MSBuild target Iso (NexOS.Kernel/Image, docs/ide.md), which
/// `./nexos build` and an IDE's Build run: on the tree `./nexos build` left it rewrites nothing,
/// and a missing input or tool stops it before any step with a message naming it. Needs a build
/// (category Boot, like the other tests of the build's output).
/// </summary>
[Category("Boot")]
public sealed class IsoTargetTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(10);

    [Test]
    [CancelAfter(11 * 60 * 1000)]
    public void OnABuiltTreeTheTargetRewritesNothing()
    {
        string root = BootEnvironment.RepoRoot();
        string iso = RepoIso();
        string[] outputs =
        {
            iso,
            Path.Combine(root, "build", "nexos.elf"),
            Path.Combine(root, "build", "isodir", "boot", "nexos.programs"),
            Path.Combine(root, "build", "isodir", "boot", "nexos.models"),
            Path.Combine(root, "build", "user", "hello.elf"),
            Path.Combine(root, "build", "hostrun", "hello.elf"),
            Path.Combine(root, "build", "netboot", "boot", "nexos.elf"),
        };
        DateTime[] before = Array.ConvertAll(outputs, WrittenAt);
        byte[] hash = Hash(iso);

        (int code, string log) = DotnetBuild();

        Assert.That(code, Is.Zero, log);
        Assert.That(log, Does.Contain($"nexos: {iso} is up to date"), log);
        for (int i = 0; i < outputs.Length; i++)
        {
            Assert.That(WrittenAt(outputs[i]), Is.EqualTo(before[i]),
                $"{outputs[i]} was rewritten: a step is not incremental, or a source changed after ./nexos build\n{log}");
        }

        Assert.That(Hash(iso), Is.EqualTo(hash), "the ISO's bytes changed");
    }

    [Test]
    [CancelAfter(11 * 60 * 1000)]
    public void AMissingInputStopsTheTargetBeforeAnyStep()
    {
        string iso = RepoIso();
        DateTime before = WrittenAt(iso);
        string missing = Path.Combine(Path.GetTempPath(), "nexos-" + Guid.NewGuid().ToString("N"), "grub.cfg");

        (int code, string log) = DotnetBuild("-p:NexOsGrubConfig=" + missing);

        Assert.That(code, Is.Not.Zero, log);
        Assert.That(log, Does.Contain($"nexos: {missing} is missing: the image cannot be built without it"));
        Assert.That(log, Does.Not.Contain("nexos: building the user programs"), "no step may run");
        Assert.That(WrittenAt(iso), Is.EqualTo(before));
    }

    [Test]
    [CancelAfter(11 * 60 * 1000)]
    public void AMissingToolIsNamedWithItsDebianPackage()
    {
        string iso = RepoIso();
        DateTime before = WrittenAt(iso);
        string nasm = Path.Combine(Path.GetTempPath(), "nexos-" + Guid.NewGuid().ToString("N"), "nasm");

        (int code, string log) = DotnetBuild("-p:NexOsNasm=" + nasm);

        Assert.That(code, Is.Not.Zero, log);
        Assert.That(log, Does.Contain($"the image needs {nasm}, not found here: install them with `sudo apt-get install -y nasm`"));
        Assert.That(log, Does.Not.Contain("nexos: building the user programs"), "no step may run");
        Assert.That(WrittenAt(iso), Is.EqualTo(before));
    }

    /// <summary>The ISO the target writes (not $NEXOS_ISO, which may name another).</summary>
    private static string RepoIso() => Path.Combine(BootEnvironment.RepoRoot(), "iso", "nexos.iso");

    private static DateTime WrittenAt(string path)
    {
        Assert.That(File.Exists(path), Is.True, $"{path} is missing: run ./nexos build");
        return File.GetLastWriteTimeUtc(path);
    }

    private static byte[] Hash(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return SHA256.HashData(stream);
    }

    /// <summary>`dotnet build NexOS.Kernel -t:Iso` as ./nexos build runs it, with the extra
    /// arguments. No build server or reused node outlives it (they would hold its output open).</summary>
    private static (int Code, string Log) DotnetBuild(params string[] extra)
    {
        string root = BootEnvironment.RepoRoot();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = root,
        };
        foreach (string argument in new[]
        {
            "build", Path.Combine(root, "NexOS.Kernel", "NexOS.Kernel.csproj"), "-t:Iso", "-c", "Release", "--nologo",
            "-v:minimal", "-tl:off", "-nodeReuse:false", "-p:UseSharedCompilation=false",
        })
        {
            info.ArgumentList.Add(argument);
        }

        foreach (string argument in extra)
        {
            info.ArgumentList.Add(argument);
        }

        // The test host runs under `dotnet test`, whose MSBuild settings must not leak into this build.
        foreach (string name in new List<string>(info.Environment.Keys))
        {
            if (name.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || name.StartsWith("NexOs", StringComparison.OrdinalIgnoreCase))
            {
                info.Environment.Remove(name);
            }
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
        System.Threading.Tasks.Task<string> output = process.StandardOutput.ReadToEndAsync();
        System.Threading.Tasks.Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"dotnet build -t:Iso did not finish within {s_timeout.TotalMinutes} minutes");
        }

        return (process.ExitCode, output.Result + errors.Result);
    }
}
