using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NexOS.Tests.Boot;

namespace NexOS.Tests.Layering;

/// <summary>
/// The kernel's layers only look down (docs/architecture.md). The check reads the kernel's
/// compiled IL, the assembly `./nexos build` (and so `./nexos test`) leaves in the kernel
/// project's output, and fails on every use of a higher layer, listing each.
/// </summary>
[TestFixture]
public class KernelLayeringTests
{
    [Test]
    public void EveryKernelTypeNamesOnlyItsOwnAndLowerLayers()
    {
        string assembly = KernelAssembly();
        List<LayerViolation> violations = KernelLayers.Check(TypeReferenceGraph.Read(assembly));
        Assert.That(violations, Is.Empty, "layer violations:\n  " + string.Join("\n  ", violations));
    }

    [Test]
    public void EveryKernelNamespaceHasALayer()
    {
        IEnumerable<string> types = TypeReferenceGraph.Read(KernelAssembly()).Select(u => u.From).Distinct();
        string[] homeless = types.Where(t => KernelLayers.LayerOf(t) == null).ToArray();
        Assert.That(homeless, Is.Empty, "types whose namespace is in no layer (add it to KernelLayers)");
    }

    /// <summary>The kernel's IL assembly, failing when it is missing or older than a source
    /// file (the check would judge code that no longer exists).</summary>
    private static string KernelAssembly()
    {
        string root = BootEnvironment.RepoRoot();
        string path = Path.Combine(root, "NexOS.Kernel", "bin", "Release", "net10.0", "linux-x64", "NexOS.Kernel.dll");
        if (!File.Exists(path))
        {
            Assert.Fail($"{path} does not exist: run ./nexos build first");
        }

        DateTime built = File.GetLastWriteTimeUtc(path);
        string[] sourceDirs = [Path.Combine(root, "NexOS.Kernel"), Path.Combine(root, "NexOS.Runtime")];
        string? newer = sourceDirs
            .SelectMany(d => Directory.EnumerateFiles(d, "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .FirstOrDefault(f => File.GetLastWriteTimeUtc(f) > built);
        if (newer != null)
        {
            Assert.Fail($"{newer} is newer than {path}: run ./nexos build first");
        }

        return path;
    }
}
