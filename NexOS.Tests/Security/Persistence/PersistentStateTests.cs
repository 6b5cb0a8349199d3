using System.Linq;
using NexOS.Ai.Engine;
using NexOS.Ai.Learning;
using NexOS.Security.Audit;
using NexOS.Security.Patches;
using NexOS.Security.Persistence;
using NexOS.Security.Policy;
using NexOS.Tests.Security.Patching;

namespace NexOS.Tests.Security.Persistence;

/// <summary>The state kept on the disk between boots, and the checks it passes on its way back.</summary>
[TestFixture]
public sealed class PersistentStateTests
{
    private static string EarlierBoot(int records)
    {
        var kit = new EvolutionKit(SecurityLevel.Standard);
        for (int i = 0; i < records; i++)
        {
            kit.Trail.Append((ulong)i, AuditEventKind.Learned, 0, "engine", $"outcome {i}");
        }

        return PersistentState.WriteAudit(kit.Manager);
    }

    [Test]
    public void AnIntactTrailGoesInFrontOfThisBootsRecordsAsOneChain()
    {
        string saved = EarlierBoot(5);
        var kit = new EvolutionKit(SecurityLevel.Standard);
        kit.Trail.Append(1, AuditEventKind.PolicyChanged, 0, "evolve", "this boot, before the disk was read");
        Assert.That(PersistentState.RestoreAudit(kit.Manager, saved, 2, out string report), Is.True, report);
        Assert.That(report, Does.Contain("5 records of earlier boots verified").And.Contain("go on from 6"));
        Assert.That(kit.Trail.Count, Is.EqualTo(7), "5 saved, this boot's one, and the restore's own record");
        Assert.That(kit.Trail.RecordAt(5).Detail, Is.EqualTo("this boot, before the disk was read"));
        Assert.That(kit.Trail.RecordAt(5).Sequence, Is.EqualTo(6UL));
        Assert.That(kit.Trail.RecordAt(6).Kind, Is.EqualTo(AuditEventKind.StateRestored));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
        Assert.That(AuditImport.TryParse(PersistentState.WriteAudit(kit.Manager), out AuditLog? again, out _), Is.True);
        Assert.That(again!.Verify().IsIntact, Is.True, "the next boot reads it back whole");
        Assert.That(again.Records[0].Hash.ToArray(), Is.EqualTo(Parse(saved).Records[0].Hash.ToArray()), "the saved records keep their hashes");
    }

    [Test]
    public void ARestoredTrailLongerThanTheRingKeepsItsNewestRecordsAndStaysVerifiable()
    {
        string saved = EarlierBoot(300);
        var kit = new EvolutionKit(SecurityLevel.Standard);
        Assert.That(PersistentState.RestoreAudit(kit.Manager, saved, 2, out string report), Is.True, report);
        Assert.That(kit.Trail.Count, Is.EqualTo(kit.Trail.Capacity));
        Assert.That(kit.Trail.FirstSequence, Is.EqualTo(301UL - (ulong)kit.Trail.Capacity + 1));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [TestCase("edit", "tampered")]
    [TestCase("cut", "tampered or cut off")]
    [TestCase("drop-middle", "tampered")]
    [TestCase("garbage", "unreadable")]
    [TestCase("empty", "unreadable")]
    public void ATamperedOrCutTrailIsRefusedAndTheRefusalIsAudited(string damage, string expected)
    {
        string saved = EarlierBoot(6);
        string[] lines = saved.TrimEnd('\n').Split('\n');
        string damaged = damage switch
        {
            "edit" => saved.Replace("outcome 3", "outcome 4", StringComparison.Ordinal),
            "cut" => string.Join('\n', lines[..^2]) + "\n",
            "drop-middle" => string.Join('\n', lines.Where((_, i) => i != 3)) + "\n",
            "garbage" => "not an audit export\n",
            _ => "",
        };
        var kit = new EvolutionKit(SecurityLevel.Standard);
        kit.Trail.Append(1, AuditEventKind.PolicyChanged, 0, "evolve", "this boot");
        Assert.That(PersistentState.RestoreAudit(kit.Manager, damaged, 2, out string report), Is.False, report);
        Assert.That(report, Does.StartWith("audit trail on the disk refused").And.Contain(expected));
        Assert.That(kit.Trail.Count, Is.EqualTo(2), "nothing from the disk is adopted");
        Assert.That(kit.Trail.RecordAt(1).Kind, Is.EqualTo(AuditEventKind.StateRestored));
        Assert.That(kit.Trail.RecordAt(1).Detail, Is.EqualTo(report));
        Assert.That(kit.Trail.Verify().IsIntact, Is.True);
    }

    [Test]
    public void KeysComeBackAndBadOnesAreRefusedWhole()
    {
        var kit = new EvolutionKit(SecurityLevel.Standard);
        Assert.That(kit.Manager.AddKey(new PatchSigningKey(7, Enumerable.Range(1, 32).Select(i => (byte)i).ToArray())), Does.StartWith("key 7"));
        string text = PersistentState.WriteKeys(kit.Manager.Keys);
        Assert.That(text, Is.EqualTo("key 7 0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20\n").IgnoreCase);

        var next = new EvolutionKit(SecurityLevel.Standard);
        Assert.That(PersistentState.RestoreKeys(next.Manager, text, 1, out string report), Is.True, report);
        Assert.That(next.Manager.Keys.TryFind(7, out PatchSigningKey? key), Is.True);
        Assert.That(key!.Key.ToArray(), Is.EqualTo(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));

        var bad = new EvolutionKit(SecurityLevel.Standard);
        Assert.That(PersistentState.RestoreKeys(bad.Manager, text + "key 8 abcd\n", 1, out report), Is.False);
        Assert.That(report, Does.Contain("line 2"));
        Assert.That(bad.Manager.Keys.Count, Is.Zero, "refused whole");
        Assert.That(PersistentState.RestoreKeys(bad.Manager, "key x 00\n", 1, out _), Is.False);

        var strict = new EvolutionKit(SecurityLevel.Strict);
        Assert.That(PersistentState.RestoreKeys(strict.Manager, text, 1, out report), Is.False);
        Assert.That(report, Does.Contain("Strict"));
        Assert.That(strict.Manager.Keys.Count, Is.Zero);
    }

    [Test]
    public void SettingsMayRaiseTheLevelButNeverLowerItBelowStandard()
    {
        var kit = new EvolutionKit(SecurityLevel.Standard);
        Assert.That(PersistentState.RestoreSettings(kit.Manager, "level strict\nauto on\n", 1, out bool? auto, out string report), Is.True, report);
        Assert.That(kit.Manager.Policy.Level, Is.EqualTo(SecurityLevel.Strict));
        Assert.That(auto, Is.True);
        Assert.That(PersistentState.WriteSettings(kit.Manager, true), Is.EqualTo("level strict\nauto on\n"));

        var low = new EvolutionKit(SecurityLevel.Standard);
        Assert.That(PersistentState.RestoreSettings(low.Manager, "level permissive\nauto on\n", 1, out auto, out report), Is.False);
        Assert.That(report, Does.Contain("below Standard"));
        Assert.That(low.Manager.Policy.Level, Is.EqualTo(SecurityLevel.Standard));
        Assert.That(auto, Is.Null, "a refused file changes nothing");
        Assert.That(PersistentState.RestoreSettings(low.Manager, "level standard\nrm -rf /\n", 1, out auto, out report), Is.False);
        Assert.That(report, Does.Contain("is not a setting"));
    }

    [Test]
    public void WhatTheModelsLearnedComesBackOnTheNextBoot()
    {
        var model = new PerformanceModel();
        model.Prime("sched.slice.down", 2, 1);
        int family = model.Families.IndexOf("sched.slice.down");
        for (int i = 0; i < 5; i++)
        {
            model.Families.Learn(family, kept: true);
        }

        var priors = new ModelPriors();
        model.Export(priors);
        ModelPriors read = ModelPriors.Parse(System.Text.Encoding.UTF8.GetBytes(priors.Format("test")));
        Assert.That(read.Errors, Is.Empty);

        var next = new PerformanceModel();
        next.Prime("sched.slice.down", 2, 1);
        next.Prime(read);
        int again = next.Families.IndexOf("sched.slice.down");
        Assert.That(next.Families.KeepRate(again), Is.EqualTo(model.Families.KeepRate(family)).Within(0.01), "the learned belief replaces the shipped prior");
        Assert.That(next.Families.KeepRate(again), Is.GreaterThan(2.0 / 3.0));
    }

    [Test]
    public void ABeliefFromTheDiskMustBeFiniteAndAtLeastOne()
    {
        var bandit = new FamilyBandit(4);
        int f = bandit.Register("a", 3, 2);
        bandit.SetBelief(f, double.NaN, 5);
        bandit.SetBelief(f, 0.5, 5);
        bandit.SetBelief(f, double.PositiveInfinity, 5);
        bandit.SetBelief(9, 4, 4);
        Assert.That(bandit.Belief(f), Is.EqualTo((3.0, 2.0)));
        bandit.SetBelief(f, 4, 6);
        Assert.That(bandit.Belief(f), Is.EqualTo((4.0, 6.0)));
    }

    private static AuditLog Parse(string text)
    {
        Assert.That(AuditImport.TryParse(text, out AuditLog? log, out string error), Is.True, error);
        return log!;
    }
}
