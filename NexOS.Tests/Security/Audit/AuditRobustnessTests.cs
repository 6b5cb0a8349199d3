using System.Text;
using System.Threading.Tasks;
using NexOS.Security.Audit;

namespace NexOS.Tests.Security.Audit;

[TestFixture]
public sealed class AuditRobustnessTests
{
    [Test]
    public void ImportNeverThrowsOnMangledExports()
    {
        string good = AuditExport.ToText(AuditTrailTests.Filled(6, 9));
        var random = new Random(77);
        int intact = 0;
        for (int round = 0; round < 20_000; round++)
        {
            var text = new StringBuilder(good);
            int edits = 1 + random.Next(3);
            for (int i = 0; i < edits; i++)
            {
                int at = random.Next(text.Length);
                switch (random.Next(3))
                {
                    case 0:
                        text[at] = (char)random.Next(32, 127);
                        break;
                    case 1:
                        text.Remove(at, Math.Min(text.Length - at, random.Next(1, 20)));
                        break;
                    default:
                        text.Insert(at, (char)random.Next(0, 0x3000));
                        break;
                }
            }

            if (AuditImport.TryParse(text.ToString(), out AuditLog? log, out _) && log!.Verify().IsIntact)
            {
                intact++;
            }
        }

        // An edit that survives both the parser and the chain must have changed nothing that
        // matters (for example a digit replaced by itself, or a blank line inserted).
        Assert.That(intact, Is.LessThan(2_000));
    }

    [Test]
    public void ConcurrentAppendsKeepTheChainIntact()
    {
        var trail = new AuditTrail(256);
        Parallel.For(0, 4, worker =>
        {
            for (int i = 0; i < 2000; i++)
            {
                trail.Append((ulong)i, AuditEventKind.Learned, (ulong)worker, "worker", "concurrent append");
            }
        });

        Assert.That(trail.FirstSequence, Is.EqualTo(8000UL - 256 + 1));
        Assert.That(trail.Verify().IsIntact, Is.True);
        Assert.That(AuditImport.TryParse(AuditExport.ToText(trail), out AuditLog? log, out string error), Is.True, error);
        Assert.That(log!.Verify().IsIntact, Is.True);
    }

    [Test]
    public void EmptyTrailExportsAndVerifies()
    {
        var trail = new AuditTrail(3);
        Assert.That(trail.Verify().IsIntact, Is.True);
        Assert.That(trail.Verify().Message, Is.EqualTo("the chain is intact"));
        Assert.That(AuditImport.TryParse(AuditExport.ToText(trail), out AuditLog? log, out _), Is.True);
        Assert.That(log!.Records, Is.Empty);
        Assert.That(log.Verify().IsIntact, Is.True);
        Assert.That(() => trail.RecordAt(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => new AuditTrail(0), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
