using NexOS.Security.Patches;

namespace NexOS.Tests.Security.Patches;

[TestFixture]
public sealed class PatchRoundTripTests
{
    private static Patch Parse(byte[] bytes)
    {
        Assert.That(PatchReader.TryParse(bytes, out Patch? patch, out PatchError error), Is.True, error.Message);
        return patch!;
    }

    private static void AssertSameProvenance(PatchProvenance a, PatchProvenance b)
    {
        Assert.That((b.PatchId, b.CreatedNs, b.Origin, b.Source, b.Reason, b.GainMetric, b.ExpectedGainBp),
            Is.EqualTo((a.PatchId, a.CreatedNs, a.Origin, a.Source, a.Reason, a.GainMetric, a.ExpectedGainBp)));
    }

    [Test]
    public void ParameterPatchRoundTrips()
    {
        Patch original = SamplePatches.Parameters();
        byte[] bytes = SamplePatches.Encode(original);
        Assert.That(bytes, Has.Length.EqualTo(PatchWriter.EncodedLength(original, false)));
        Patch back = Parse(bytes);
        Assert.That(back.Kind, Is.EqualTo(PatchKind.Parameter));
        Assert.That(back.Target, Is.EqualTo("scheduler"));
        Assert.That(back.Parameters.Length, Is.EqualTo(2));
        Assert.That((back.Parameters[0].Name, back.Parameters[0].Value), Is.EqualTo(("timeslice_ns", 4_000_000L)));
        Assert.That((back.Parameters[1].Name, back.Parameters[1].Value), Is.EqualTo(("boost_levels", -3L)));
        Assert.That(back.Cil, Is.Null);
        Assert.That(back.Signature, Is.Null);
        Assert.That(back.Hash.ToArray(), Is.EqualTo(System.Security.Cryptography.SHA256.HashData(bytes.AsSpan(0, bytes.Length - 32))));
        AssertSameProvenance(original.Provenance, back.Provenance);
    }

    [Test]
    public void CilPatchRoundTrips()
    {
        Patch original = SamplePatches.Cil();
        Patch back = Parse(SamplePatches.Encode(original));
        Assert.That(back.Kind, Is.EqualTo(PatchKind.Cil));
        Assert.That(back.Target, Is.EqualTo("scheduler.pick_timeslice"));
        CilBody body = back.Cil!;
        Assert.That(body.Code.ToArray(), Is.EqualTo(original.Cil!.Code.ToArray()));
        Assert.That(body.MaxStack, Is.EqualTo(2));
        Assert.That(body.Locals.ToArray(), Is.EqualTo(new[] { CilLocalType.Int32, CilLocalType.Int64 }));
        Assert.That(body.Constants.ToArray(), Is.EqualTo(new[] { long.MinValue, 0L, 12345L }));
        Assert.That(body.Tokens.Length, Is.EqualTo(2));
        Assert.That(body.TryFindToken(0x0A000002, out CilToken helper), Is.True);
        Assert.That((helper.Kind, helper.Name), Is.EqualTo((CilTokenKind.Helper, "Clamp")));
        Assert.That(body.TryFindToken(0x0A000003, out _), Is.False);
        Assert.That(back.Parameters.Length, Is.Zero);
        AssertSameProvenance(original.Provenance, back.Provenance);
    }

    [Test]
    public void SignedPatchRoundTripsAndVerifiesWithTheRightKeyOnly()
    {
        byte[] bytes = SamplePatches.Encode(SamplePatches.Parameters(PatchOrigin.External), SamplePatches.Key);
        Patch back = Parse(bytes);
        Assert.That(back.Signature!.KeyId, Is.EqualTo(7u));

        var ring = new PatchKeyRing();
        Assert.That(ring.VerifySignature(back), Is.False, "unknown key id");
        Assert.That(ring.TryAdd(new PatchSigningKey(7, new byte[] { 1, 2, 3 })), Is.Null);
        Assert.That(ring.VerifySignature(back), Is.False, "wrong key");

        var good = new PatchKeyRing();
        Assert.That(good.TryAdd(SamplePatches.Key), Is.Null);
        Assert.That(good.TryAdd(SamplePatches.Key), Is.Not.Null, "duplicate id");
        Assert.That(good.VerifySignature(back), Is.True);
        Assert.That(good.VerifySignature(Parse(SamplePatches.Encode(SamplePatches.Parameters()))), Is.False, "unsigned");
    }

    [Test]
    public void UnicodeStringsAndExtremeValuesRoundTrip()
    {
        var provenance = new PatchProvenance(ulong.MaxValue, ulong.MaxValue, PatchOrigin.External, "Zoë Åström", "", "", int.MinValue);
        Patch original = Patch.ForParameters("ümlaut-set", new[] { new ParameterChange("x", long.MaxValue), new ParameterChange("y", long.MinValue) }, provenance);
        Patch back = Parse(SamplePatches.Encode(original));
        AssertSameProvenance(provenance, back.Provenance);
        Assert.That(back.Target, Is.EqualTo("ümlaut-set"));
        Assert.That(back.Parameters[1].Value, Is.EqualTo(long.MinValue));
    }

    [Test]
    public void WriterRefusesWhatTheReaderWouldRefuse()
    {
        PatchProvenance provenance = SamplePatches.Provenance();
        var longName = new string('n', 257);
        Patch[] bad =
        {
            Patch.ForParameters("s", new ParameterChange[0], provenance),
            Patch.ForParameters("s", new[] { new ParameterChange("a", 1), new ParameterChange("a", 2) }, provenance),
            Patch.ForParameters("s", new[] { new ParameterChange(longName, 1) }, provenance),
            Patch.ForParameters("", new[] { new ParameterChange("a", 1) }, provenance),
            Patch.ForParameters("s", new ParameterChange[65], provenance),
            Patch.ForCil("h", new CilBody(new byte[4097], 1, new CilLocalType[0], new CilToken[0], new long[0]), provenance),
            Patch.ForCil("h", new CilBody(new byte[0], 1, new CilLocalType[0], new CilToken[0], new long[0]), provenance),
            Patch.ForCil("h", new CilBody(new byte[1], 1, new[] { (CilLocalType)9 }, new CilToken[0], new long[0]), provenance),
            Patch.ForCil("h", new CilBody(new byte[1], 1, new CilLocalType[0], new[] { new CilToken(1, CilTokenKind.Helper, "a"), new CilToken(1, CilTokenKind.Helper, "b") }, new long[0]), provenance),
            Patch.ForCil("h", new CilBody(new byte[1], 65, new CilLocalType[0], new CilToken[0], new long[0]), provenance),
        };
        foreach (Patch patch in bad)
        {
            Assert.That(PatchWriter.TryWrite(patch, null, out byte[]? bytes, out PatchError error), Is.False);
            Assert.That(bytes, Is.Null);
            Assert.That(error.IsError, Is.True);
            Assert.That(error.Offset, Is.EqualTo(-1));
        }
    }

    [Test]
    public void LargestPatchFitsTheTotalLimit()
    {
        var tokens = new CilToken[PatchLimits.MaxTokens];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = new CilToken((uint)i, CilTokenKind.Helper, new string('t', PatchLimits.MaxStringBytes));
        }

        var body = new CilBody(new byte[PatchLimits.MaxCodeBytes], PatchLimits.MaxStack, Filled(PatchLimits.MaxLocals), tokens, new long[PatchLimits.MaxConstants]);

        Patch patch = Patch.ForCil(new string('h', 256), body, SamplePatches.Provenance());
        byte[] bytes = SamplePatches.Encode(patch, SamplePatches.Key);
        Assert.That(bytes.Length, Is.LessThanOrEqualTo(PatchLimits.MaxTotalBytes));
        Assert.That(Parse(bytes).Cil!.Tokens.Length, Is.EqualTo(PatchLimits.MaxTokens));
    }

    private static CilLocalType[] Filled(int count)
    {
        var locals = new CilLocalType[count];
        Array.Fill(locals, CilLocalType.Int64);
        return locals;
    }
}
