using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using NexOS.Tests.Boot;

namespace NexOS.Tests.Build;

/// <summary>The Debian packages the image's targets name (NexOS.Kernel/Image/Tools.targets) are
/// among those ./nexos installs before it builds (its DEPS), so `./nexos build` never stops at
/// the targets' missing-tool error on a machine where it may install packages.</summary>
public sealed class ImageToolsTests
{
    [Test]
    public void EveryPackageTheImageNeedsIsInTheDepsOfNexos()
    {
        string root = BootEnvironment.RepoRoot();
        string targets = File.ReadAllText(Path.Combine(root, "NexOS.Kernel", "Image", "Tools.targets"));
        string script = File.ReadAllText(Path.Combine(root, "nexos"));
        string[] needed = Regex.Matches(targets, "<NexOsTool [^>]*Package=\"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Match deps = Regex.Match(script, @"\nDEPS=\((.*?)\n\)", RegexOptions.Singleline);
        Assert.That(deps.Success, Is.True, "no DEPS=( ... ) list in ./nexos");
        string[] installed = Regex.Matches(deps.Groups[1].Value, "\"([^\":]+):").Select(m => m.Groups[1].Value).ToArray();

        Assert.That(needed, Is.Not.Empty, "Tools.targets names no packages");
        Assert.That(installed, Is.SupersetOf(needed));
    }
}
