using System.Diagnostics;
using System.IO;
using System.Linq;
using NexOS.Abi;
using NexOS.Core.Boot;
using NexOS.Core.Loader;
using NexOS.Tests.Boot;

namespace NexOS.Tests.User;

/// <summary>
/// The C# user program examples/hello as `./nexos build` leaves it: an ELF the kernel's loader
/// accepts, packed into the boot archive as bin/hello, and, run as a Linux process with its system calls translated (./nexos hostrun),
/// a program whose start code, runtime layer, collector and exceptions work. Needs a build.
/// </summary>
[Category("Boot")]
public sealed class UserProgramTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);

    [Test]
    public void HelloIsAStaticExecutableTheLoaderAccepts()
    {
        string elf = Path.Combine(BootEnvironment.RepoRoot(), "build", "user", "hello.elf");
        Assert.That(File.Exists(elf), Is.True, $"{elf} is missing: run ./nexos build");

        ElfImage? image = ElfImage.TryParse(File.ReadAllBytes(elf), UserAbi.UserBase, UserAbi.UserTop, out string error);

        Assert.That(image, Is.Not.Null, error);
        Assert.That(image!.Tls, Is.Not.Null, "the runtime layer's thread statics need a PT_TLS segment");
        Assert.That(image.Segments.Select(s => s.Access), Does.Contain(ElfAccess.Read | ElfAccess.Execute));
    }

    [Test]
    public void HelloIsPackedIntoTheBootArchive()
    {
        string root = BootEnvironment.RepoRoot();
        string packed = Path.Combine(root, "build", "isodir", "boot", "nexos.programs");
        Assert.That(File.Exists(packed), Is.True, $"{packed} is missing: run ./nexos build");
        byte[] module = File.ReadAllBytes(packed);

        ProgramArchive archive = ProgramArchive.FromModule((ulong)module.Length, module);

        Assert.That(archive.Archive, Is.Not.Null, archive.Error);
        long size = new FileInfo(Path.Combine(root, "build", "user", "hello.elf")).Length;
        Assert.That(archive.Archive!.Files.Select(f => (f.Name, (long)f.Length)), Does.Contain(("bin/hello", size)));
    }

    [Test]
    public void HelloRunsOnTheHost()
    {
        (int code, string log) = HostRun("hello", "alpha", "beta gamma");

        Assert.That(code, Is.EqualTo(0), log);
        Assert.That(log, Does.Contain("Hello from C# in ring 3\n  argument 0: alpha\n  argument 1: beta gamma\n"));
        Assert.That(log, Does.Match(@"allocated 16 MiB, [1-9]\d* collections"));
        Assert.That(log, Does.Contain("caught InvalidOperationException: thrown with 2 arguments"));
    }

    [Test]
    public void AnUnhandledExceptionIsReportedAndEndsTheProgramWith134()
    {
        (int code, string log) = HostRun("hello", "unhandled");

        Assert.That(code, Is.EqualTo(134), log);
        Assert.That(log, Does.Contain("Unhandled exception: System.InvalidOperationException: thrown with -1 arguments"));
        Assert.That(log, Does.Contain("at NexOS.Examples.Hello.Program.Throw"));
    }

    internal static (int Code, string Log) HostRun(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(BootEnvironment.RepoRoot(), "nexos"));
        info.ArgumentList.Add("hostrun");
        info.ArgumentList.Add(program);
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        System.Threading.Tasks.Task<string> output = process.StandardOutput.ReadToEndAsync();
        System.Threading.Tasks.Task<string> errors = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"./nexos hostrun {program} did not finish within {s_timeout.TotalSeconds} s");
        }

        return (process.ExitCode, output.Result + errors.Result);
    }
}
