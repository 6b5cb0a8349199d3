using System.IO;
using System.Text.RegularExpressions;
using NexOS.Tests.Storage.Fat;

namespace NexOS.Tests.Boot;

/// <summary>
/// State that outlives a boot (user/keeper): the audit trail, what the engine learned and the
/// settings are stored on the disk and come back at the next boot after their checks, one
/// audit chain running across both boots; an audit file tampered with on the host is
/// reported, kept aside and not trusted; a settings file asking for a lower level is refused.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class StateBootTests : DiskBootFixture
{
    [Test]
    [CancelAfter(3 * TestBudget)]
    public void TheAuditTrailLearnedStateAndSettingsSurviveAReboot()
    {
        using var dir = new HostTools.TempDir();
        string image = FreshImage(dir);
        QemuMachine machine = BootWith(image);
        Assert.That(RunCommand(machine, "evolve policy strict", s_disk), Is.EqualTo(new[] { "security level Standard -> Strict" }));
        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));
        machine.Dispose();

        string audit = HostTools.Require("mtype", "-i", image, "::/nexos/state/audit.log");
        Assert.That(audit, Does.Contain("security level Standard -> Strict"));
        Assert.That(HostTools.Require("mtype", "-i", image, "::/nexos/state/learned.txt"), Does.Match(@"(?m)^family \S+ [\d.]+ [\d.]+$"));
        Assert.That(HostTools.Require("mtype", "-i", image, "::/nexos/state/settings.txt"), Is.EqualTo("level strict\nauto off\n"));

        machine = BootWith(image);
        AwaitLogged(machine, new Regex(@"keeper: settings restored: security level Standard -> Strict; auto off"), s_disk);
        AwaitLogged(machine, new Regex(@"keeper: audit trail restored: 1 records of earlier boots verified; this boot's records go on from 2"), s_disk);
        AwaitLogged(machine, new Regex(@"keeper: learned state primed from learned by the running system.*: \d+ family priors, \d+ values"), s_disk);
        Assert.That(RunCommand(machine, "evolve status", s_disk)[0], Does.StartWith("level      Strict"));
        List<string> trail = RunCommand(machine, "audit", s_disk);
        Assert.That(trail[0], Does.Match(@"^#1 \d+ ms PolicyChanged patch 0 evolve: security level Standard -> Strict$"), "the first boot's record:\n" + string.Join("\n", trail));
        Assert.That(trail, Has.Some.Contains("StateRestored patch 0 state: audit trail restored"));
        Assert.That(RunCommand(machine, "audit verify", s_disk)[0], Does.Contain("intact"));
    }

    [Test]
    [CancelAfter(3 * TestBudget)]
    public void ATamperedAuditFileIsReportedKeptAsideAndNotTrusted()
    {
        using var dir = new HostTools.TempDir();
        string image = FreshImage(dir);
        QemuMachine machine = BootWith(image);
        RunCommand(machine, "evolve policy strict", s_disk);
        RunCommand(machine, "evolve policy standard", s_disk);
        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));
        machine.Dispose();

        // Someone with the disk rewrites history: the record now says the level went to Paranoid.
        string audit = HostTools.Require("mtype", "-i", image, "::/nexos/state/audit.log");
        string forged = audit.Replace("Standard -> Strict", "Standard -> Paranoid", StringComparison.Ordinal);
        Assert.That(forged, Is.Not.EqualTo(audit));
        File.WriteAllText(dir.File("audit.log"), forged);
        HostTools.Require("mcopy", "-o", "-i", image, dir.File("audit.log"), "::/nexos/state/audit.log");

        machine = BootWith(image);
        AwaitLogged(machine, new Regex(@"keeper: audit trail on the disk refused: tampered or cut off at record 1"), s_disk);
        AwaitLogged(machine, new Regex(@"keeper: the refused trail is kept as /nexos/state/audit.log.rejected; a new one starts"), s_disk);
        List<string> trail = RunCommand(machine, "audit", s_disk);
        Assert.That(trail, Has.None.Contains("Paranoid"), "nothing of the forged trail is adopted");
        Assert.That(trail, Has.Some.Contains("StateRestored patch 0 state: audit trail on the disk refused"));
        Assert.That(RunCommand(machine, "ls /nexos/state", s_disk), Has.Some.EndsWith("audit.log.rejected"));
    }

    [Test]
    [CancelAfter(3 * TestBudget)]
    public void ASettingsFileThatLowersTheLevelIsRefused()
    {
        using var dir = new HostTools.TempDir();
        string image = FreshImage(dir);
        HostTools.Require("mmd", "-i", image, "::/nexos");
        HostTools.Require("mmd", "-i", image, "::/nexos/state");
        File.WriteAllText(dir.File("settings.txt"), "level permissive\nauto on\n");
        HostTools.Require("mcopy", "-i", image, dir.File("settings.txt"), "::/nexos/state/settings.txt");

        QemuMachine machine = BootWith(image);
        AwaitLogged(machine, new Regex(@"keeper: settings on the disk refused: it asks for Permissive, and a level below Standard is never taken from the disk"), s_disk);
        Assert.That(RunCommand(machine, "evolve status", s_disk)[0], Does.StartWith("level      Standard"));
        Assert.That(RunCommand(machine, "evolve status", s_disk), Has.Some.StartsWith("engine     auto off"));
    }
}
