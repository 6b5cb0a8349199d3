using System.Diagnostics;
using System.IO;

namespace NexOS.Tests.Boot;

/// <summary>Finds what the boot tests need on the host: the repository, the ISO, the tools.</summary>
internal static class BootEnvironment
{
    public const string QemuBinary = "qemu-system-x86_64";
    public const string OvmfPath = "/usr/share/ovmf/OVMF.fd";

    /// <summary>The folder holding the <c>nexos</c> script, found by walking up from the test
    /// assembly's folder. Fails the test when there is none.</summary>
    public static string RepoRoot()
    {
        for (string? dir = TestContext.CurrentContext.TestDirectory; dir != null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(Path.Combine(dir, "nexos")))
            {
                return dir;
            }
        }

        Assert.Fail($"no folder above {TestContext.CurrentContext.TestDirectory} holds the nexos script");
        return "";
    }

    /// <summary>The ISO to boot: $NEXOS_ISO, else iso/nexos.iso in the repository. Fails the test
    /// when the file does not exist.</summary>
    public static string IsoPath()
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable("NEXOS_ISO");
        string iso = string.IsNullOrEmpty(fromEnvironment) ? Path.Combine(RepoRoot(), "iso", "nexos.iso") : fromEnvironment;
        if (!File.Exists(iso))
        {
            Assert.Fail($"{iso} does not exist: run ./nexos build first");
        }

        return iso;
    }

    /// <summary>Runs a host tool to completion, failing the test when it cannot be started,
    /// exits with an error, or takes longer than <paramref name="timeout"/>.</summary>
    /// <summary>The TFTP root `./nexos build` lays out for PXE boots (build/netboot).</summary>
    public static string NetbootDirectory()
    {
        string directory = Path.Combine(RepoRoot(), "build", "netboot");
        if (!File.Exists(Path.Combine(directory, "boot", "grub", "i386-pc", "core.0")))
        {
            Assert.Fail($"{directory} holds no PXE image: run ./nexos build first");
        }

        return directory;
    }

    public static void Run(string tool, TimeSpan timeout, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("no process");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Assert.Fail($"cannot run {tool} ({e.Message}); ./nexos build installs the tools the boot tests need");
            return;
        }

        using (process)
        {
            System.Threading.Tasks.Task<string> output = process.StandardOutput.ReadToEndAsync();
            System.Threading.Tasks.Task<string> errors = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{tool} {string.Join(' ', arguments)} did not finish within {timeout.TotalSeconds} s");
            }

            if (process.ExitCode != 0)
            {
                Assert.Fail($"{tool} {string.Join(' ', arguments)} failed with exit code {process.ExitCode}:\n{output.Result}{errors.Result}");
            }
        }
    }

    /// <summary>
    /// Writes a 1.44 MB FAT image holding /nexos/cmdline.cfg, a GRUB script that sets
    /// nexos_cmdline; grub.cfg searches every disk for that file and adds the variable to the
    /// kernel command line. Returns the image's path inside <paramref name="directory"/>.
    /// </summary>
    public static string CreateCommandLineDisk(string directory, string commandLine)
    {
        if (commandLine.IndexOfAny(new[] { '"', '\\', '$', '\n', '\r' }) >= 0)
        {
            Assert.Fail("a boot test command line may not contain quotes, backslashes, '$' or line breaks");
        }

        string config = Path.Combine(directory, "cmdline.cfg");
        string image = Path.Combine(directory, "cmdline.img");
        File.WriteAllText(config, $"set nexos_cmdline=\"{commandLine}\"\n");
        TimeSpan timeout = TimeSpan.FromSeconds(20);
        Run("mformat", timeout, "-C", "-f", "1440", "-v", "NEXOSCFG", "-i", image, "::");
        Run("mmd", timeout, "-i", image, "::/nexos");
        Run("mcopy", timeout, "-i", image, config, "::/nexos/cmdline.cfg");
        return image;
    }
}
