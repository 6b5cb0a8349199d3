using System.Net.Sockets;
using NexOS.PatchTool;
using NexOS.Security.External;
using NexOS.Security.Patches;
using NexOS.Tests.External;

namespace NexOS.Tests.Boot;

/// <summary>
/// External patches end to end: policies written in C# and built by the patch tool travel over
/// the guest's COM2 (a unix socket here, as under ./nexos run) to the patchline service in ring 3
/// and through its PatchInbox capability to the kernel's patch manager,
/// which applies the same security level, signature, verifier and canary rules as to any other
/// patch and answers; hostile framing gets a NAK with the reason; `patch inbox`, `evolve status`
/// and `audit` on the console show what arrived and what became of it.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class ExternalPatchBootTests : BootFixture
{
    private const string KeyQuestion = "key 9 (hex, not echoed): ";
    private const string InlineRefused = "evolve key add: refused, a key on the command line is echoed and logged";

    private const string PatchLineLine = "patch line: the patchline service in ring 3 (COM2, 0x2F8, IRQ 3; ps lists it when the machine has a second UART)";

    private const string PatchPortLine = "patch port: the patchnet service in ring 3 (TCP port 7070, once the network is up)";

    private static readonly TimeSpan s_reply = TimeSpan.FromSeconds(30);

    [Test]
    [CancelAfter(2 * TestBudget)]
    public void PatchesSentOverTcpMeetTheSameRules()
    {
        int port = FreeTcpPort();
        QemuMachine machine = Boot(new QemuOptions { Nic = "virtio-net-pci", Forwards = [$"hostfwd=tcp:127.0.0.1:{port}-:7070"] });
        AwaitNetwork(machine, TimeSpan.FromSeconds(40));
        byte[] unsigned = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        byte[] slice = PolicyKit.BuildSigned("SchedulerPolicies.TimeSlice", "sched.time_slice", 43);

        // What ./nexos patch --tcp does: one connection per patch.
        PatchReply refused = PatchClient.SendOverTcp("127.0.0.1", port, unsigned, s_reply);
        Assert.That(refused.Accepted, Is.False);
        Assert.That(refused.Verdict, Is.EqualTo("rejected patch 42: policy: Standard: external patches must be signed; 'Ada Lovelace' sent an unsigned one"));
        AskForSecret(machine, "evolve key add 9", KeyQuestion);
        Assert.That(AnswerSecret(machine, PolicyKit.KeyHex), Is.EqualTo(new[] { "key 9 trusted for signed external patches (1 in the ring)" }));
        PatchReply accepted = PatchClient.SendOverTcp("127.0.0.1", port, slice, s_reply);
        Assert.That(accepted.Accepted, Is.True, accepted.Verdict);
        Assert.That(accepted.Verdict, Does.Match(@"^patch 43 verified \(\d+ instructions\); canary on sched\.time_slice at 2000 bp as version 1$"));
        PatchReply replayed = PatchClient.SendOverTcp("127.0.0.1", port, slice, s_reply);
        Assert.That(replayed.Accepted, Is.False, "the same signed patch again is a replay: " + replayed.Verdict);

        // Noise on a connection gets a NAK with the reason, and the service carries on.
        using (var client = new TcpClient("127.0.0.1", port))
        {
            NetworkStream stream = client.GetStream();
            stream.Write("GET / HTTP/1.1\r\n\r\n"u8);
            byte[] corrupt = PatchFrame.Encode(PatchFrameType.Patch, 7, slice);
            corrupt[PatchFrame.HeaderLength + 50] ^= 0x10;
            stream.Write(corrupt);
            PatchReply nak = PatchClient.Receive(stream, 7, s_reply);
            Assert.That(nak.Accepted, Is.False);
            Assert.That(nak.Verdict, Does.StartWith("frame error (BadChecksum)"));
        }

        List<string> inbox = RunCommand(machine, "patch inbox");
        Assert.That(inbox[2], Does.StartWith("3 patches received, 1 accepted by the patch manager"), string.Join("\n", inbox));
        Assert.That(RunCommand(machine, "audit verify")[0], Does.StartWith("audit chain intact:"));
    }

    private static int FreeTcpPort()
    {
        var probe = new TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        int port = ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void PatchesSentOverComTwoMeetThePatchManagersRules()
    {
        QemuMachine machine = Boot(new QemuOptions { PatchLine = true });
        WaitForPatchLine(machine);
        byte[] unsigned = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        byte[] slice = PolicyKit.BuildSigned("SchedulerPolicies.TimeSlice", "sched.time_slice", 43);
        byte[] budget = PolicyKit.BuildSigned("CollectorPolicies.Budget", "gc.budget", 45);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(machine.PatchSocketPath));
        using var line = new NetworkStream(socket);

        // At the boot level (Standard) a patch from outside must be signed with a trusted key.
        PatchReply refused = PatchClient.Send(line, unsigned, 101, s_reply);
        Assert.That(refused.Accepted, Is.False);
        Assert.That(refused.Verdict, Is.EqualTo("rejected patch 42: policy: Standard: external patches must be signed; 'Ada Lovelace' sent an unsigned one"));
        AskForSecret(machine, "evolve key add 9", KeyQuestion);
        Assert.That(AnswerSecret(machine, PolicyKit.KeyHex), Is.EqualTo(new[] { "key 9 trusted for signed external patches (1 in the ring)" }));
        PatchReply accepted = PatchClient.Send(line, slice, 102, s_reply);
        TestContext.Out.WriteLine("signed: " + accepted.Verdict);
        Assert.That(accepted.Accepted, Is.True, accepted.Verdict);
        Assert.That(accepted.Verdict, Does.Match(@"^patch 43 verified \(\d+ instructions\); canary on sched\.time_slice at 2000 bp as version 1$"));

        // At Strict the verifier refuses loops, whoever signed them.
        RunCommand(machine, "evolve policy strict");
        PatchReply loop = PatchClient.Send(line, LoopPatch(), 103, s_reply);
        Assert.That(loop.Verdict, Is.EqualTo("rejected patch 44: verifier: IL_0006: backward branch to 0x0000 while loops are not allowed [BackwardBranch]"));

        // Noise and a frame with a broken payload CRC: each is refused, and the line still works.
        byte[] corrupt = PatchFrame.Encode(PatchFrameType.Patch, 104, budget);
        corrupt[PatchFrame.HeaderLength + 50] ^= 0x10;
        line.Write("some noise on the line\r\n"u8);
        line.Write(corrupt);
        PatchReply afterNoise = PatchClient.Send(line, budget, 105, s_reply);
        Assert.That(afterNoise.Accepted, Is.True, afterNoise.Verdict);
        // Version 2 unless the evolve thread has already judged patch 43's canary (that is a
        // version of its own): the thread runs meanwhile, so the number is 2 or 3.
        Assert.That(afterNoise.Verdict, Does.Match(@"^patch 45 verified .*canary on gc\.budget at 1000 bp as version [23]$"));
        Assert.That(afterNoise.Notes, Has.Some.Contains("frame error (Garbage): skipped 24 bytes"));
        Assert.That(afterNoise.Notes, Has.Some.Contains("frame error (BadChecksum): frame 104: payload CRC-32"));

        List<string> inbox = RunCommand(machine, "patch inbox");
        TestContext.Out.WriteLine(string.Join("\n", inbox));
        Assert.That(inbox[0], Is.EqualTo(PatchLineLine));
        Assert.That(inbox[1], Is.EqualTo(PatchPortLine));
        Assert.That(inbox[2], Is.EqualTo("4 patches received, 2 accepted by the patch manager (see evolve status, audit)"));
        Assert.That(inbox[3], Does.StartWith($"#1 {unsigned.Length} bytes: rejected patch 42: policy: Standard: external patches must be signed"));
        Assert.That(inbox[4], Does.StartWith($"#2 {slice.Length} bytes: patch 43 verified"));
        Assert.That(inbox[5], Does.StartWith("#3 ").And.EndWith("[BackwardBranch]"));
        Assert.That(inbox[6], Does.StartWith($"#4 {budget.Length} bytes: patch 45 verified"));

        string status = string.Join("\n", RunCommand(machine, "evolve status"));
        // Each is on canary trial, or already judged (the evolve thread runs meanwhile).
        Assert.That(status, Does.Match(@"hook       sched\.time_slice \(Tuning, fuel 1000, range 1000\.\.1000000000\): (canary patch 43|patch 43|default)"));
        Assert.That(status, Does.Match(@"hook       gc\.budget \(Tuning, fuel 200, range 65536\.\.4294967296\): (canary patch 45|patch 45|default)"));
        Assert.That(string.Join("\n", RunCommand(machine, "evolve versions")), Does.Contain("canary of patch 43 on sched.time_slice").And.Contain("canary of patch 45 on gc.budget"));
        string audit = string.Join("\n", RunCommand(machine, "audit"));
        Assert.That(audit, Does.Contain("Proposed patch 43 Ada Lovelace: Cil patch for sched.time_slice: test"));
        Assert.That(audit, Does.Contain("PolicyChanged patch 0 evolve: key 9 trusted for signed external patches"));
        Assert.That(RunCommand(machine, "audit verify")[0], Does.StartWith("audit chain intact:"));
        AssertKeyNeverShown(machine);
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void KeysAreTypedAtAMaskedPromptAndBadOnesAddNothing()
    {
        QemuMachine machine = Boot();

        // Each of these reaches the prompt and is refused there: nothing is added.
        AskForSecret(machine, "evolve key add 9", KeyQuestion);
        Assert.That(AnswerSecret(machine, "0011"), Is.EqualTo(new[] { "evolve key add: 2 bytes; a key has 16 to 64; no key added" }));
        AskForSecret(machine, "evolve key add 9", KeyQuestion);
        Assert.That(AnswerSecret(machine, PolicyKit.KeyHex[..^1] + "g"), Is.EqualTo(new[] { "evolve key add: character 48 is not a hex digit; no key added" }));
        AskForSecret(machine, "evolve key add 9", KeyQuestion);
        machine.Send(PolicyKit.KeyHex[..20] + "\u0003");
        Assert.That(OutputLines(machine.WaitFor(Prompt, s_command)), Is.EqualTo(new[] { "evolve key add: cancelled; no key added" }));
        Assert.That(RunCommand(machine, "evolve key"), Is.EqualTo(new[] { "no keys: signed external patches cannot be checked (evolve key add <id>)" }));

        // The line after a secret is an ordinary command line again.
        AskForSecret(machine, "evolve key add 9", KeyQuestion);
        Assert.That(AnswerSecret(machine, PolicyKit.KeyHex), Is.EqualTo(new[] { "key 9 trusted for signed external patches (1 in the ring)" }));
        Assert.That(RunCommand(machine, "evolve key"), Is.EqualTo(new[] { "1 of 16 keys: 9" }));

        // A taken id is refused before the key is typed; the inline form is refused outright.
        Assert.That(RunCommand(machine, "evolve key add 9"), Is.EqualTo(new[] { "evolve key add: key id 9 is already in the ring" }));
        List<string> inline = RunCommand(machine, "evolve key add 10 ffeeddccbbaa99887766554433221100");
        Assert.That(inline, Has.Count.EqualTo(1));
        Assert.That(inline[0], Does.StartWith(InlineRefused).And.EndWith("type 'evolve key add 10' and enter the key at the prompt"));
        Assert.That(RunCommand(machine, "evolve key"), Is.EqualTo(new[] { "1 of 16 keys: 9" }));

        string log = machine.Log;
        TestContext.Out.WriteLine(log[log.IndexOf("nexos> evolve key add", StringComparison.Ordinal)..]);
        AssertKeyNeverShown(machine);
        Assert.That(log, Does.Not.Contain("0011\r"), "the short key");
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void AFloodFromOneSourceIsQuarantinedByTheSecurityModel()
    {
        QemuMachine machine = Boot(new QemuOptions { PatchLine = true });
        WaitForPatchLine(machine);
        byte[] unsigned = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(machine.PatchSocketPath));
        using var line = new NetworkStream(socket);
        for (ushort i = 1; i <= 6; i++)
        {
            Assert.That(PatchClient.Send(line, unsigned, i, s_reply).Accepted, Is.False);
        }

        // The evolve thread's next cycle (every 100 ms) sees the burst.
        string status = string.Join("\n", RunCommand(machine, "evolve status"));
        Assert.That(status, Does.Contain("quarantine Ada Lovelace (evolve release <source> lifts it)"));
        PatchReply after = PatchClient.Send(line, unsigned, 7, s_reply);
        Assert.That(after.Verdict, Is.EqualTo("rejected patch 42: source 'Ada Lovelace' is quarantined by the security model"));
        Assert.That(string.Join("\n", RunCommand(machine, "models security")), Does.Match(@"source 'Ada Lovelace' quarantined: [56]\.\d recent refusals \(threshold 5\.0\)"));
        Assert.That(string.Join("\n", RunCommand(machine, "audit")), Does.Contain("PolicyChanged patch 0 security: source 'Ada Lovelace' quarantined"));
        Assert.That(RunCommand(machine, "evolve release Ada"), Is.EqualTo(new[] { "source 'Ada' is not quarantined" }));
        Assert.That(RunCommand(machine, "evolve release Lovelace"), Is.EqualTo(new[] { "source 'Lovelace' is not quarantined" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void WithoutASecondSerialPortTheInboxSaysSo()
    {
        QemuMachine machine = Boot();
        List<string> inbox = RunCommand(machine, "patch inbox");
        Assert.That(inbox[0], Is.EqualTo(PatchLineLine));
        Assert.That(inbox[1], Is.EqualTo(PatchPortLine));
        var ended = new System.Text.RegularExpressions.Regex(@"(?m)^\s+\d+ patchline\s+ended\s+0\s+3\s.*\s0\r?$");
        string ps = string.Join("\n", RunCommand(machine, "ps"));
        for (int i = 0; i < 20 && !ended.IsMatch(ps); i++)
        {
            System.Threading.Thread.Sleep(250); // it may still be giving up on the missing UART
            ps = string.Join("\n", RunCommand(machine, "ps"));
        }

        Assert.That(ps, Does.Match(ended.ToString()), "it ended with 0 and init leaves it ended");
        Assert.That(machine.Log, Does.Not.Contain("init: patchline"), "an expected end is not news for the console");
        Assert.That(inbox[2], Is.EqualTo("0 patches received, 0 accepted by the patch manager (see evolve status, audit)"));
    }

    [TestCase("patch", "usage: patch inbox")]
    [TestCase("patch apply 3", "usage: patch inbox")]
    [TestCase("evolve key add x", "evolve key add: 'x' is not a key id")]
    [TestCase("evolve key add 9 " + PolicyKit.KeyHex, InlineRefused)]
    [TestCase("evolve key add x 0011", InlineRefused)]
    [TestCase("evolve key add", "usage: evolve key")]
    [TestCase("evolve key remove 9", "usage: evolve key")]
    [CancelAfter(TestBudget)]
    public void BadPatchCommandsGiveOneClearError(string line, string error) => AssertOneClearError(line, error);

    /// <summary>Checks that the key, typed only at the masked prompt, never reached the serial
    /// log, not even in part.</summary>
    private static void AssertKeyNeverShown(QemuMachine machine)
    {
        string log = machine.Log;
        Assert.That(log, Does.Contain(KeyQuestion), "the prompt was shown");
        Assert.That(log, Does.Not.Contain(PolicyKit.KeyHex[..16]).IgnoreCase);
        Assert.That(log, Does.Not.Contain(PolicyKit.KeyHex[^16..]).IgnoreCase);
    }

    /// <summary>A well-formed, signed external patch whose body loops (ldarg.0; ldfld
    /// policy_slice_ns; br.s back), written by hand as a hostile sender would.</summary>
    private static byte[] LoopPatch()
    {
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2B, 0xF8 };
        var body = new CilBody(il, 2, Array.Empty<CilLocalType>(),
            new[] { new CilToken(0x0A000001, NexOS.Security.Patches.CilTokenKind.ContextField, "policy_slice_ns") }, Array.Empty<long>());
        var provenance = new PatchProvenance(44, 0, PatchOrigin.External, "Mallory", "spin", "", 0);
        Assert.That(PatchWriter.TryWrite(Patch.ForCil("sched.time_slice", body, provenance), PolicyKit.Key, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        return bytes!;
    }
}
