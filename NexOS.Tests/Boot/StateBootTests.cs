using System.IO;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using NexOS.PatchTool;
using NexOS.Security.Patches;
using NexOS.Tests.External;
using NexOS.Tests.Storage.Fat;

namespace NexOS.Tests.Boot;

/// <summary>
/// State that outlives a boot (user/keeper): the audit trail, what the engine learned and the
/// settings are stored on the disk and come back at the next boot after their checks, one
/// audit chain running across both boots; an audit file tampered with on the host is
/// reported, kept aside and not trusted; a settings file asking for a lower level is refused;
/// a signed patch from outside is kept and applied again, judged as new, at the next boot.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class StateBootTests : DiskBootFixture
{
    [Test]
    [CancelAfter(3 * TestBudget)]
    public void ASignedPatchFromOutsideIsAppliedAgainAfterAReboot()
    {
        using var dir = new HostTools.TempDir();
        string image = FreshImage(dir);
        var options = new QemuOptions { VirtioDisk = image, PatchLine = true };
        QemuMachine machine = Boot(options);
        AwaitLogged(machine, s_mounted, s_disk);
        AwaitLogged(machine, s_keeperReady, s_disk);
        WaitForPatchLine(machine);
        AskForSecret(machine, "evolve key add 9", "key 9 (hex, not echoed): ");
        Assert.That(AnswerSecret(machine, PolicyKit.KeyHex), Is.EqualTo(new[] { "key 9 trusted for signed external patches (1 in the ring)" }));
        var provenance = new PatchProvenance(77, 1, PatchOrigin.External, "Ada Lovelace", "grow the heap a little later", "gc.collections", -1);
        Assert.That(PatchWriter.TryWrite(Patch.ForParameters("gc", [new ParameterChange("gc.growth_percent", 120)], provenance), PolicyKit.Key, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        using (var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            socket.Connect(new UnixDomainSocketEndPoint(machine.PatchSocketPath));
            using var line = new NetworkStream(socket);
            PatchReply reply = PatchClient.Send(line, bytes!, 1, TimeSpan.FromSeconds(30));
            Assert.That(reply.Accepted, Is.True, reply.Verdict);
        }

        Assert.That(RunCommand(machine, "sync", s_disk), Has.None.StartsWith("sync:"));
        machine.Dispose();
        Assert.That(HostTools.Require("mtype", "-i", image, "::/nexos/state/patches.txt"), Is.EqualTo($"patch {Convert.ToHexString(bytes!)}\n").IgnoreCase);

        machine = Boot(options);
        AwaitLogged(machine, new Regex(@"keeper: keys restored: 1 of 1 trusted again"), s_disk);
        AwaitLogged(machine, new Regex(@"keeper: patch set restored: 1 of 1 applied again"), s_disk);
        Assert.That(string.Join("\n", RunCommand(machine, "gc", s_disk)), Does.Contain("gc.growth_percent = 120"), "in effect in this boot, not only in the earlier boot's records");
    }

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
