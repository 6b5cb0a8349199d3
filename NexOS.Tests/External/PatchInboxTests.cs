using System.IO;
using System.Text;
using NexOS.PatchTool;
using NexOS.Security.Audit;
using NexOS.Security.External;
using NexOS.Security.Patches;
using NexOS.Security.Policy;
using NexOS.Tests.Security.Patching;
using PatchTokenKind = NexOS.Security.Patches.CilTokenKind;

namespace NexOS.Tests.External;

/// <summary>
/// Patches from outside go through the inbox into the patch manager, which judges them on the
/// External channel by the same rules as every other patch: signatures and security level,
/// verifier, canary, audit. The inbox records each submission and its one-line verdict.
/// </summary>
[TestFixture]
public class PatchInboxTests
{
    private static readonly PatchSigningKey s_key = PolicyKit.Key;

    [Test]
    public void AtStandardAnUnsignedPolicyIsRefusedAndRecorded()
    {
        var (kit, inbox) = Create(SecurityLevel.Standard);
        byte[] bytes = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        Assert.That(inbox.Submit(bytes, out string verdict), Is.False);
        Assert.That(verdict, Is.EqualTo("rejected patch 42: policy: Standard: external patches must be signed; 'Ada Lovelace' sent an unsigned one"));
        PatchInboxEntry entry = inbox.Snapshot()[0];
        Assert.Multiple(() =>
        {
            Assert.That(entry.Sequence, Is.EqualTo(1UL));
            Assert.That(entry.Accepted, Is.False);
            Assert.That(entry.PatchId, Is.EqualTo(42UL));
            Assert.That(entry.Source, Is.EqualTo("Ada Lovelace"));
            Assert.That(entry.Target, Is.EqualTo("sched.time_slice"));
            Assert.That(entry.Length, Is.EqualTo(bytes.Length));
            Assert.That(kit.Slice.Active, Is.Null);
        });
    }

    [Test]
    public void ASignedPolicyWithATrustedKeyStartsACanaryAndIsAudited()
    {
        var (kit, inbox) = Create(SecurityLevel.Standard);
        Assert.That(kit.Manager.AddKey(s_key), Does.StartWith("key 9 trusted"));
        Assert.That(inbox.Submit(PolicyKit.BuildSigned("SchedulerPolicies.TimeSlice", "sched.time_slice", 42), out string verdict), Is.True, verdict);
        Assert.That(verdict, Does.Match(@"^patch 42 verified \(\d+ instructions\); canary on sched\.time_slice at 2000 bp as version 1$"));
        Assert.That(kit.Slice.Active!.PatchId, Is.EqualTo(42UL));
        Assert.That(inbox.AcceptedCount, Is.EqualTo(1UL));
        Assert.That(Kinds(kit.Trail), Is.EqualTo(new[] { AuditEventKind.PolicyChanged, AuditEventKind.Proposed, AuditEventKind.Verified, AuditEventKind.CanaryStarted }));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void ASignatureWithAnUnknownKeyIsRefused()
    {
        var (_, inbox) = Create(SecurityLevel.Standard);
        Assert.That(inbox.Submit(PolicyKit.BuildSigned("SchedulerPolicies.TimeSlice", "sched.time_slice", 42), out string verdict), Is.False);
        Assert.That(verdict, Does.EndWith("policy: Standard: the signature with key id 9 does not verify"));
    }

    [Test]
    public void AtPermissiveUnsignedPoliciesAreAccepted()
    {
        var (kit, inbox) = Create(SecurityLevel.Permissive);
        byte[] bytes = PolicyKit.Build(PolicyKit.ExampleAssembly, "CollectorPolicies.Budget", "gc.budget");
        Assert.That(inbox.Submit(bytes, out string verdict), Is.True, verdict);
        Assert.That(kit.Budget.Active!.IsCanary, Is.True);
    }

    [Test]
    public void AtStrictTheLoopIsRefusedByTheVerifierWithRuleAndOffset()
    {
        var (kit, inbox) = Create(SecurityLevel.Strict);
        kit.Manager.AddKey(s_key);
        Assert.That(inbox.Submit(PolicyKit.BuildSigned("SchedulerPolicies.TimeSliceWithLoop", "sched.time_slice", 42), out string verdict), Is.False);
        Assert.That(verdict, Does.Match(@"^rejected patch 42: verifier: IL_[0-9A-F]{4}: backward branch to 0x[0-9A-F]{4} while loops are not allowed \[BackwardBranch\]$"));
    }

    [Test]
    public void GarbageAndBitFlipsAreRejectedWithTheParsersReason()
    {
        var (kit, inbox) = Create(SecurityLevel.Permissive);
        Assert.That(inbox.Submit("not a patch at all"u8, out string verdict), Is.False);
        Assert.That(verdict, Does.StartWith("rejected: unreadable patch: not a patch: the magic"));

        byte[] bytes = PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice");
        bytes[40] ^= 1;
        Assert.That(inbox.Submit(bytes, out verdict), Is.False);
        Assert.That(verdict, Does.StartWith("rejected: unreadable patch: "));
        Assert.That(inbox.Snapshot()[1].PatchId, Is.Zero);
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [TestCase("sched.time_slice", PatchOrigin.Engine, "the patch claims to come from the engine but arrived from outside")]
    [TestCase("mem.size_class", PatchOrigin.External, "'mem.size_class' is not a patchable hook")]
    public void WrongOriginsAndUnknownHooksAreRejected(string hook, PatchOrigin origin, string expected)
    {
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2A };
        byte[] bytes = Write(il, new CilToken(0x0A000001, PatchTokenKind.ContextField, "policy_slice_ns"), hook, origin);
        Assert.That(Create(SecurityLevel.Permissive).Inbox.Submit(bytes, out string verdict), Is.False);
        Assert.That(verdict, Does.Contain(expected));
    }

    [Test]
    public void ATokenDeclaredAsTheWrongKindIsRejected()
    {
        byte[] il = { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x0A, 0x2A };
        byte[] bytes = Write(il, new CilToken(0x0A000001, PatchTokenKind.Helper, "policy_slice_ns"), "sched.time_slice", PatchOrigin.External);
        Assert.That(Create(SecurityLevel.Permissive).Inbox.Submit(bytes, out string verdict), Is.False);
        Assert.That(verdict, Does.Contain("'policy_slice_ns' is declared as a Helper but is a context field [Token]"));
    }

    [Test]
    public void ParameterPatchesFromOutsideMeetTheStepRule()
    {
        var (kit, inbox) = Create(SecurityLevel.Standard);
        kit.Manager.AddKey(s_key);
        Assert.That(inbox.Submit(SignedParameters(43, 12_000_000), out string verdict), Is.True, verdict);
        Assert.That(kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(12_000_000));

        // A quarter of the range is the most one patch may move a parameter at Standard.
        Assert.That(inbox.Submit(SignedParameters(44, 900_000_000), out verdict), Is.False);
        Assert.That(verdict, Does.StartWith("rejected patch 44: policy: Standard:"));
        Assert.That(kit.Normal.Find("slice_ns")!.Value, Is.EqualTo(12_000_000));
    }

    [Test]
    public void TheInboxKeepsTheLatestSubmissionsInOrder()
    {
        var (_, inbox) = Create(SecurityLevel.Permissive);
        for (int i = 0; i < PatchInbox.Capacity + 5; i++)
        {
            inbox.Submit(new byte[] { (byte)i }, out _);
        }

        List<PatchInboxEntry> entries = inbox.Snapshot();
        Assert.That(entries, Has.Count.EqualTo(PatchInbox.Capacity));
        Assert.That(entries[0].Sequence, Is.EqualTo(6UL));
        Assert.That(entries[^1].Sequence, Is.EqualTo((ulong)PatchInbox.Capacity + 5));
        Assert.That(inbox.Submitted, Is.EqualTo((ulong)PatchInbox.Capacity + 5));
        Assert.That(inbox.AcceptedCount, Is.Zero);
    }

    [Test]
    public void VerdictsAreAlwaysOneShortLine()
    {
        Assert.That(PatchInbox.OneLine("a\nb\r\u0007c"), Is.EqualTo("a?b??c"));
        Assert.That(PatchInbox.OneLine(new string('x', 1000)), Has.Length.EqualTo(PatchInbox.MaxVerdictLength));
    }

    [TestCase("00112233445566778899aabbccddeeff", 16)]
    [TestCase(" 0011 2233 4455 6677\n8899 AABB CCDD EEFF\r\n", 16)]
    public void KeysAreReadFromHex(string text, int length)
        => Assert.That(PatchSigningKey.TryParseHex(text, out _), Has.Length.EqualTo(length));

    [TestCase("", "0 bytes; a key has 16 to 64")]
    [TestCase("0011223344556677", "8 bytes; a key has 16 to 64")]
    [TestCase("00112233445566778899aabbccddeeff0", "an odd number of hex digits")]
    [TestCase("00112233445566778899aabbccddeefg", "'g' is not a hex digit")]
    public void BadKeysGiveAReason(string text, string expected)
    {
        Assert.That(PatchSigningKey.TryParseHex(text, out string error), Is.Null);
        Assert.That(error, Is.EqualTo(expected));
    }

    [TestCase("00112233445566778899aabbccddeeff", 16)]
    [TestCase(" 0011 2233 4455 6677 8899 AABB CCDD EEFF ", 16)]
    public void KeysTypedAtThePromptAreReadFromUtf8Hex(string text, int length)
    {
        byte[]? key = PatchSigningKey.TryParseHex(Encoding.UTF8.GetBytes(text), out string error);
        Assert.That(key, Is.EqualTo(Convert.FromHexString(text.Replace(" ", ""))), error);
        Assert.That(key, Has.Length.EqualTo(length));
    }

    [TestCase("", "0 bytes; a key has 16 to 64")]
    [TestCase("0011223344556677", "8 bytes; a key has 16 to 64")]
    [TestCase("00112233445566778899aabbccddeeff0", "an odd number of hex digits")]
    [TestCase("00112233445566778899aabbccddeefg", "character 32 is not a hex digit")]
    [TestCase("ü0112233445566778899aabbccddeeff", "character 1 is not a hex digit")]
    [TestCase("0é😀x", "character 2 is not a hex digit")]
    public void BadTypedKeysGiveAReasonThatDoesNotShowThem(string text, string expected)
    {
        Assert.That(PatchSigningKey.TryParseHex(Encoding.UTF8.GetBytes(text), out string error), Is.Null);
        Assert.That(error, Is.EqualTo(expected));
    }

    [Test]
    public void TypedKeysHaveALengthLimit()
    {
        byte[] spaced = Encoding.UTF8.GetBytes(new string(' ', PatchSigningKey.MaxTypedBytes - 32) + "00112233445566778899aabbccddeeff");
        Assert.That(PatchSigningKey.TryParseHex(spaced, out _), Has.Length.EqualTo(16));
        byte[] longer = Encoding.UTF8.GetBytes(" " + Encoding.UTF8.GetString(spaced));
        Assert.That(PatchSigningKey.TryParseHex(longer, out string error), Is.Null);
        Assert.That(error, Is.EqualTo("more than 256 bytes typed; a key has 16 to 64"));
    }

    [Test]
    public void TheKeyRingSaysBeforehandWhetherAKeyCanBeAdded()
    {
        var ring = new PatchKeyRing();
        Assert.That(ring.CheckAdd(9), Is.Null);
        Assert.That(ring.TryAdd(s_key), Is.Null);
        Assert.That(ring.CheckAdd(9), Is.EqualTo("key id 9 is already in the ring"));
        for (uint id = 100; ring.Count < PatchKeyRing.Capacity; id++)
        {
            Assert.That(ring.TryAdd(new PatchSigningKey(id, new byte[16])), Is.Null);
        }

        Assert.That(ring.CheckAdd(1), Is.EqualTo("the key ring is full (16 keys)"));
        Assert.That(ring.TryAdd(new PatchSigningKey(1, new byte[16])), Is.EqualTo("the key ring is full (16 keys)"));
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

    private static (EvolutionKit Kit, PatchInbox Inbox) Create(SecurityLevel level)
    {
        var kit = new EvolutionKit(level);
        return (kit, new PatchInbox(kit.Manager));
    }

    private static AuditEventKind[] Kinds(AuditTrail trail)
    {
        var kinds = new AuditEventKind[trail.Count];
        for (int i = 0; i < kinds.Length; i++)
        {
            kinds[i] = trail.RecordAt(i).Kind;
        }

        return kinds;
    }

    private static byte[] SignedParameters(ulong id, long sliceNs)
    {
        var provenance = new PatchProvenance(id, 0, PatchOrigin.External, "Grace", "longer slices", "", 0);
        var patch = Patch.ForParameters("sched.normal", new[] { new ParameterChange("slice_ns", sliceNs) }, provenance);
        Assert.That(PatchWriter.TryWrite(patch, s_key, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        return bytes!;
    }

    private static PatchProvenance Provenance(PatchOrigin origin) => new(5, 0, origin, "Grace", "test", "", 0);

    private static byte[] Write(byte[] il, CilToken token, string hook, PatchOrigin origin)
    {
        var body = new CilBody(il, 2, Array.Empty<CilLocalType>(), new[] { token }, Array.Empty<long>());
        Assert.That(PatchWriter.TryWrite(Patch.ForCil(hook, body, Provenance(origin)), null, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        return bytes!;
    }
}
