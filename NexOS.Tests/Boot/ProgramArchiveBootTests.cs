using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// The boot archive of programs as the booted kernel sees it: GRUB loads build's
/// nexos.programs as the module "programs" (from the ISO and over PXE), boot logs how many
/// programs it holds, and the `programs` command lists them, the placeholder bin/spin among them.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class ProgramArchiveBootTests : BootFixture
{
    private static readonly Regex s_summary = new(@"(?m)^programs: (\d+) in the boot archive \((\d+) KiB\)(, and (\d+) other files?)?\r?$");

    [Test]
    [CancelAfter(TestBudget)]
    public void BootReadsTheArchiveAndProgramsListsSpin() => AssertArchiveListed(Boot());

    [Test]
    [CancelAfter(TestBudget)]
    public void APxeBootLoadsTheArchiveToo() => AssertArchiveListed(Boot(new QemuOptions { Pxe = true }, s_uefiBoot));

    [Test]
    [CancelAfter(TestBudget)]
    public void ProgramsTakesNoArguments() => AssertOneClearError("programs all", "usage: programs");

    private static void AssertArchiveListed(QemuMachine machine)
    {
        Match summary = s_summary.Match(machine.Log);
        Assert.That(summary.Success, Is.True, "no programs line in the boot log:\n" + machine.Log);
        int count = int.Parse(summary.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(count, Is.Positive);

        List<string> listing = RunCommand(machine, "programs");
        int others = summary.Groups[4].Success ? int.Parse(summary.Groups[4].Value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        Assert.That(listing, Has.Count.EqualTo(count + others + 1), "a heading and one line per file:\n" + string.Join("\n", listing));
        Assert.That(listing, Has.Some.Match(@"^etc/services\s+[1-9]\d*$"), "the service manifest");
        Assert.That(listing[0], Does.Match(@"^NAME\s+BYTES$"));
        Assert.That(listing, Has.Some.Match(@"^bin/spin\s+[1-9]\d*$"));
        TestContext.Out.WriteLine($"measured: {summary.Value.Trim()}; {string.Join(" | ", listing)}");
    }
}
