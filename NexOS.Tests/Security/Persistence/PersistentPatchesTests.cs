using System.Linq;
using NexOS.Security.Audit;
using NexOS.Security.Patches;
using NexOS.Security.Patching;
using NexOS.Security.Persistence;
using NexOS.Security.Policy;
using NexOS.Tests.Security.Patches;
using NexOS.Tests.Security.Patching;

namespace NexOS.Tests.Security.Persistence;

/// <summary>The active patch set kept on the disk: only patches from outside, as they arrived,
/// and each one judged again as a new patch when it comes back.</summary>
[TestFixture]
public sealed class PersistentPatchesTests
{
    private static byte[] Growth(ulong id, long value, PatchSigningKey? key) =>
        SamplePatches.Encode(Patch.ForParameters("gc", [new ParameterChange("gc.growth_percent", value)], SamplePatches.Provenance(PatchOrigin.External, id)), key);

    private static EvolutionKit Booted(bool withKey = true)
    {
        var kit = new EvolutionKit(SecurityLevel.Standard);
        if (withKey)
        {
            kit.Manager.AddKey(SamplePatches.Key);
        }

        return kit;
    }

    private static string SavedWithGrowth(long value)
    {
        EvolutionKit kit = Booted();
        Assert.That(kit.Manager.Submit(Growth(5, value, SamplePatches.Key), out string verdict), Is.True, verdict);
        return PersistentPatches.Write(kit.Manager);
    }

    [Test]
    public void ASignedPatchFromOutsideComesBackAndIsKeptForTheNextSave()
    {
        string saved = SavedWithGrowth(130);
        Assert.That(saved, Does.StartWith("patch ").And.EndWith("\n"));
        Assert.That(saved.Count(c => c == '\n'), Is.EqualTo(1));

        EvolutionKit next = Booted();
        Assert.That(PersistentPatches.Restore(next.Manager, saved, 3, out string report), Is.True, report);
        Assert.That(report, Is.EqualTo("patch set restored: 1 of 1 applied again"));
        Assert.That(next.Gc.Find("gc.growth_percent")!.Value, Is.EqualTo(130));
        Assert.That(next.Trail.RecordAt(next.Trail.Count - 1).Kind, Is.EqualTo(AuditEventKind.StateRestored));
        Assert.That(PersistentPatches.Write(next.Manager), Is.EqualTo(saved), "the boot after that gets it again");
    }

    [Test]
    public void TheEnginesOwnAndRolledBackPatchesAreNotKept()
    {
        EvolutionKit kit = Booted();
        Assert.That(kit.Apply("slice-short").Accepted, Is.True, "an engine patch");
        Assert.That(PersistentPatches.Write(kit.Manager), Is.Empty);
        Assert.That(kit.Manager.Submit(Growth(900, 130, SamplePatches.Key), out string verdict), Is.True, verdict);
        Assert.That(PersistentPatches.Write(kit.Manager), Is.Not.Empty);
        kit.Manager.Rollback(900);
        Assert.That(PersistentPatches.Write(kit.Manager), Is.Empty, "no longer in effect");
    }

    [TestCase("flip")]
    [TestCase("unsigned")]
    [TestCase("no-key")]
    public void AnEditedOrUntrustedPatchFailsItsChecksAndChangesNothing(string damage)
    {
        string saved = damage == "unsigned" ? "patch " + Convert.ToHexString(Growth(5, 130, null)) + "\n" : SavedWithGrowth(130);
        if (damage == "flip")
        {
            // The new value's low byte, 130 -> 131, keeps the file well formed.
            byte[] bytes = Convert.FromHexString(saved.Trim()[6..]);
            int at = Array.LastIndexOf(bytes, (byte)130);
            bytes[at] ^= 1;
            saved = "patch " + Convert.ToHexString(bytes) + "\n";
        }

        EvolutionKit next = Booted(withKey: damage != "no-key");
        Assert.That(PersistentPatches.Restore(next.Manager, saved, 3, out string report), Is.True, report);
        Assert.That(report, Does.StartWith("patch set restored: 0 of 1 applied again; rejected"));
        Assert.That(next.Gc.Find("gc.growth_percent")!.Value, Is.EqualTo(100));
        Assert.That(PersistentPatches.Write(next.Manager), Is.Empty);
    }

    [TestCase("patch\n")]
    [TestCase("patch 0\n")]
    [TestCase("patch zz\n")]
    [TestCase("key 7 00\n")]
    [TestCase("patch 00\nnot a patch\n")]
    public void AMalformedFileIsRefusedWholeBeforeAnyPatchIsSubmitted(string text)
    {
        EvolutionKit next = Booted();
        int submitted = next.Manager.Submitted;
        Assert.That(PersistentPatches.Restore(next.Manager, text, 3, out string report), Is.False);
        Assert.That(report, Does.StartWith("patch set on the disk refused: line "));
        Assert.That(next.Manager.Submitted, Is.EqualTo(submitted));
        Assert.That(next.Trail.RecordAt(next.Trail.Count - 1).Detail, Is.EqualTo(report));
    }

    [Test]
    public void AnEmptyFileRestoresNothingAndSaysSo()
    {
        EvolutionKit next = Booted();
        Assert.That(PersistentPatches.Restore(next.Manager, "", 3, out string report), Is.True);
        Assert.That(report, Is.EqualTo("patch set restored: 0 of 0 applied again"));
    }
}
