using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;

namespace NexOS.Tests.Storage.Fat;

/// <summary>Runs dosfstools and mtools on image files in a temporary directory.</summary>
internal static class HostTools
{
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
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
        info.Environment["MTOOLS_SKIP_CHECK"] = "1";
        info.Environment["LC_ALL"] = "C.UTF-8";
        using Process process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(30_000))
        {
            process.Kill();
            return (-1, "timeout");
        }
        return (process.ExitCode, output.Result + error.Result);
    }

    public static string Require(string tool, params string[] arguments)
    {
        (int code, string output) = Run(tool, arguments);
        Assert.That(code, Is.Zero, $"{tool} {string.Join(' ', arguments)}: {output}");
        return output;
    }

    /// <summary>Makes a sparse image of <paramref name="megabytes"/> MiB formatted FAT32.</summary>
    public static void Format(string image, int megabytes, int sectorsPerCluster, int sectorSize = 512)
    {
        using (FileStream stream = File.Create(image))
        {
            stream.SetLength((long)megabytes << 20);
        }
        Require("/usr/sbin/mkfs.fat", "-F", "32", "-s", sectorsPerCluster.ToString(), "-S", sectorSize.ToString(), "-n", "NEXOS", "--invariant", image);
    }

    /// <summary>A temporary directory removed by <see cref="IDisposable.Dispose"/>.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir() => Path = Directory.CreateTempSubdirectory("nexos-fat-").FullName;

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
