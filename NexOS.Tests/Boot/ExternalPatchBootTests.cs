using System.IO;
using System.Net.Sockets;
using NexOS.PatchTool;
using NexOS.Security.External;
using NexOS.Security.Patches;
using NexOS.Tests.External;

namespace NexOS.Tests.Boot;

/// <summary>
/// External patches end to end: a policy written in C# and built by the patch tool travels over
/// the guest's COM2 (a unix socket here, as under ./nexos run), the kernel verifies it and
/// answers; a patch the verifier refuses and hostile framing get a NAK with the reason; and
/// `patch inbox` on the console lists what arrived.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class ExternalPatchBootTests : BootFixture
{
    private static readonly TimeSpan s_reply = TimeSpan.FromSeconds(30);

    [Test]
    [CancelAfter(TestBudget)]
    public void PatchesSentOverComTwoAreVerifiedAnsweredAndListed()
    {
        QemuMachine machine = Boot(new QemuOptions { PatchLine = true });
        byte[] good = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        byte[] loop = LoopPatch();
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(machine.PatchSocketPath));
        using var line = new NetworkStream(socket);

        PatchReply accepted = PatchClient.Send(line, good, 101, s_reply);
        TestContext.Out.WriteLine("good: " + accepted.Verdict);
        Assert.That(accepted.Accepted, Is.True, accepted.Verdict);
        Assert.That(accepted.Verdict, Does.Match(@"^verified: patch 42 for sched\.time_slice from Ada Lovelace \(\d+ bytes of IL, unsigned\)$"));

        PatchReply refused = PatchClient.Send(line, loop, 102, s_reply);
        TestContext.Out.WriteLine("bad: " + refused.Verdict);
        Assert.That(refused.Accepted, Is.False);
        Assert.That(refused.Verdict, Is.EqualTo("rejected: patch 43 for sched.time_slice: IL_0006: backward branch to 0x0000 while loops are not allowed [BackwardBranch]"));

        // Noise and a frame with a broken payload CRC: each is refused, and the line still works.
        byte[] corrupt = PatchFrame.Encode(PatchFrameType.Patch, 103, good);
        corrupt[PatchFrame.HeaderLength + 50] ^= 0x10;
        line.Write("some noise on the line\r\n"u8);
        line.Write(corrupt);
        PatchReply afterNoise = PatchClient.Send(line, good, 104, s_reply);
        Assert.That(afterNoise.Accepted, Is.True, afterNoise.Verdict);
        Assert.That(afterNoise.Notes, Has.Some.Contains("frame error (Garbage): skipped 24 bytes"));
        Assert.That(afterNoise.Notes, Has.Some.Contains("frame error (BadChecksum): frame 103: payload CRC-32"));

        List<string> inbox = RunCommand(machine, "patch inbox");
        TestContext.Out.WriteLine(string.Join("\n", inbox));
        Assert.That(inbox[0], Does.Match(@"^COM2 \(0x2F8, IRQ 3\): \d+ bytes received, 3 frames, 2 framing errors, \d+ bytes dropped$"));
        Assert.That(inbox[1], Is.EqualTo("3 patches received, 2 verified (held, not applied)"));
        Assert.That(inbox[2], Does.StartWith($"#1 {good.Length} bytes: verified: patch 42 for sched.time_slice"));
        Assert.That(inbox[3], Does.StartWith($"#2 {loop.Length} bytes: rejected: patch 43").And.EndWith("[BackwardBranch]"));
        Assert.That(inbox[4], Does.StartWith("#3 "));
        Assert.That(RunCommand(machine, "echo still responsive"), Is.EqualTo(new[] { "still responsive" }));
    }

    [Test]
    [CancelAfter(TestBudget)]
    public void WithoutASecondSerialPortTheInboxSaysSo()
    {
        List<string> inbox = RunCommand(Boot(), "patch inbox");
        Assert.That(inbox[0], Does.StartWith("COM2: not available ("));
        Assert.That(inbox[1], Is.EqualTo("0 patches received, 0 verified (held, not applied)"));
    }

    [TestCase("patch", "usage: patch inbox")]
    [TestCase("patch apply 3", "usage: patch inbox")]
    [CancelAfter(TestBudget)]
    public void BadPatchCommandsGiveOneClearError(string line, string error) => AssertOneClearError(line, error);

    /// <summary>A well-formed external patch whose body loops (ldarg.0; ldfld slice_ns; br.s back):
    /// the tool would refuse to build it, so it is written by hand, as a hostile sender would.</summary>
    private static byte[] LoopPatch()
    {
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2B, 0xF8 };
        var body = new CilBody(il, 2, Array.Empty<CilLocalType>(),
            new[] { new CilToken(0x0A000001, NexOS.Security.Patches.CilTokenKind.ContextField, "slice_ns") }, Array.Empty<long>());
        var provenance = new PatchProvenance(43, 0, PatchOrigin.External, "Mallory", "spin", "", 0);
        Assert.That(PatchWriter.TryWrite(Patch.ForCil("sched.time_slice", body, provenance), null, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        return bytes!;
    }
}
