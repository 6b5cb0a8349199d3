using System.IO;
using NexOS.PatchTool;
using NexOS.Security.Cil;
using NexOS.Security.External;
using NexOS.Security.Patches;
using PatchTokenKind = NexOS.Security.Patches.CilTokenKind;

namespace NexOS.Tests.External;

/// <summary>The stand-in sink: the same parse and verification as the tool, one-line verdicts, the inbox ring.</summary>
[TestFixture]
public class VerifyingPatchSinkTests
{
    [Test]
    public void AGoodPolicyIsVerifiedAndRecorded()
    {
        var sink = new VerifyingPatchSink(CilLimits.Default);
        byte[] bytes = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        Assert.That(sink.Submit(bytes, out string verdict), Is.True);
        Assert.That(verdict, Does.Match(@"^verified: patch 42 for sched.time_slice from Ada Lovelace \(\d+ bytes of IL, unsigned\)$"));
        PatchInboxEntry entry = sink.Snapshot()[0];
        Assert.Multiple(() =>
        {
            Assert.That(entry.Sequence, Is.EqualTo(1UL));
            Assert.That(entry.Accepted, Is.True);
            Assert.That(entry.PatchId, Is.EqualTo(42UL));
            Assert.That(entry.Target, Is.EqualTo("sched.time_slice"));
            Assert.That(entry.Length, Is.EqualTo(bytes.Length));
        });
    }

    [Test]
    public void GarbageAndBitFlipsAreRejectedWithTheParsersReason()
    {
        var sink = new VerifyingPatchSink(CilLimits.Default);
        Assert.That(sink.Submit("not a patch at all"u8, out string verdict), Is.False);
        Assert.That(verdict, Does.StartWith("rejected: not a valid patch: not a patch: the magic"));

        byte[] bytes = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        bytes[40] ^= 1;
        Assert.That(sink.Submit(bytes, out verdict), Is.False);
        Assert.That(verdict, Does.StartWith("rejected: not a valid patch: "));
        Assert.That(sink.Snapshot()[1].PatchId, Is.Zero);
    }

    [Test]
    public void ABodyTheVerifierRefusesIsRejectedWithRuleAndOffset()
    {
        // ldarg.0; ldfld slice_ns; br.s -3 (a loop): build the patch by hand, the tool would refuse it.
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2B, 0xF8 };
        byte[] bytes = Write(il, new CilToken(0x0A000001, PatchTokenKind.ContextField, "slice_ns"), "sched.time_slice", PatchOrigin.External);
        var sink = new VerifyingPatchSink(CilLimits.Default);
        Assert.That(sink.Submit(bytes, out string verdict), Is.False);
        Assert.That(verdict, Is.EqualTo("rejected: patch 5 for sched.time_slice: IL_0006: backward branch to 0x0000 while loops are not allowed [BackwardBranch]"));
    }

    [TestCase("sched.time_slice", PatchOrigin.Engine, "claims origin Engine; patches from outside must say External")]
    [TestCase("mem.size_class", PatchOrigin.External, "targets 'mem.size_class', which is not a patchable hook")]
    public void WrongOriginsAndUnknownHooksAreRejected(string hook, PatchOrigin origin, string expected)
    {
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2A };
        byte[] bytes = Write(il, new CilToken(0x0A000001, PatchTokenKind.ContextField, "slice_ns"), hook, origin);
        Assert.That(new VerifyingPatchSink(CilLimits.Default).Submit(bytes, out string verdict), Is.False);
        Assert.That(verdict, Does.Contain(expected));
    }

    [Test]
    public void ATokenDeclaredAsTheWrongKindIsRejected()
    {
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2A };
        byte[] bytes = Write(il, new CilToken(0x0A000001, PatchTokenKind.Helper, "slice_ns"), "sched.time_slice", PatchOrigin.External);
        Assert.That(new VerifyingPatchSink(CilLimits.Default).Submit(bytes, out string verdict), Is.False);
        Assert.That(verdict, Does.Contain("is declared as Helper but names something else [Token]"));
    }

    [Test]
    public void ParameterPatchesAreRejected()
    {
        var patch = Patch.ForParameters("sched", new[] { new ParameterChange("slice_ns", 5_000_000) }, Provenance(PatchOrigin.External));
        Assert.That(PatchWriter.TryWrite(patch, null, out byte[]? bytes, out _), Is.True);
        Assert.That(new VerifyingPatchSink(CilLimits.Default).Submit(bytes, out string verdict), Is.False);
        Assert.That(verdict, Does.Contain("is a parameter patch"));
    }

    [Test]
    public void TheInboxKeepsTheLatestSubmissionsInOrder()
    {
        var sink = new VerifyingPatchSink(CilLimits.Default);
        for (int i = 0; i < VerifyingPatchSink.Capacity + 5; i++)
        {
            sink.Submit(new byte[] { (byte)i }, out _);
        }

        List<PatchInboxEntry> entries = sink.Snapshot();
        Assert.That(entries, Has.Count.EqualTo(VerifyingPatchSink.Capacity));
        Assert.That(entries[0].Sequence, Is.EqualTo(6UL));
        Assert.That(entries[^1].Sequence, Is.EqualTo((ulong)VerifyingPatchSink.Capacity + 5));
        Assert.That(sink.Submitted, Is.EqualTo((ulong)VerifyingPatchSink.Capacity + 5));
        Assert.That(sink.AcceptedCount, Is.Zero);
    }

    [Test]
    public void VerdictsAreAlwaysOneShortLine()
    {
        Assert.That(VerifyingPatchSink.OneLine("a\nb\r\u0007c"), Is.EqualTo("a?b??c"));
        Assert.That(VerifyingPatchSink.OneLine(new string('x', 1000)), Has.Length.EqualTo(VerifyingPatchSink.MaxVerdictLength));
    }

    [Test]
    public void TheClientMatchesItsReplyAmongNoiseAndOtherReplies()
    {
        var replies = new MemoryStream();
        replies.Write("noise"u8);
        replies.Write(PatchFrame.Encode(PatchFrameType.Nak, 0, "skipped 3 bytes"u8));
        replies.Write(PatchFrame.Encode(PatchFrameType.Ack, 7, "for someone else"u8));
        replies.Write(PatchFrame.Encode(PatchFrameType.Ack, 8, "verified: patch 1"u8));
        replies.Position = 0;
        PatchReply reply = PatchClient.Receive(replies, 8, TimeSpan.FromSeconds(5));
        Assert.That(reply.Accepted, Is.True);
        Assert.That(reply.Verdict, Is.EqualTo("verified: patch 1"));
        Assert.That(reply.Notes, Has.Count.EqualTo(3));
    }

    private static PatchProvenance Provenance(PatchOrigin origin) => new(5, 0, origin, "Grace", "test", "", 0);

    private static byte[] Write(byte[] il, CilToken token, string hook, PatchOrigin origin)
    {
        var body = new CilBody(il, 2, Array.Empty<CilLocalType>(), new[] { token }, Array.Empty<long>());
        Assert.That(PatchWriter.TryWrite(Patch.ForCil(hook, body, Provenance(origin)), null, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        return bytes!;
    }
}
