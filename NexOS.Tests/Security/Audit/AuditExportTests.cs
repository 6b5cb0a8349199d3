using System.Linq;
using System.Text.RegularExpressions;
using NexOS.Security.Audit;
using static NexOS.Tests.Security.Audit.AuditKit;

namespace NexOS.Tests.Security.Audit;

[TestFixture]
public sealed class AuditExportTests
{
    private static readonly string[] s_fields = { "seq", "time_ns", "kind", "patch", "actor", "detail", "prev", "hash" };

    [Test]
    public void ExportIsAsciiJsonLinesAndImportsBackIntact()
    {
        AuditTrail trail = AuditTrailTests.Filled(8, 12);
        string text = AuditExport.ToText(trail);
        Assert.That(text.All(c => c == '\n' || (c >= 0x20 && c < 0x7F)), Is.True);
        foreach (string line in text.TrimEnd('\n').Split('\n'))
        {
            Assert.That(() => System.Text.Json.JsonDocument.Parse(line).Dispose(), Throws.Nothing, line);
        }

        AuditLog log = Import(text.Replace("\n", "\r\n"));
        Assert.That(log.Verify().IsIntact, Is.True, log.Verify().Message);
        Assert.That(log.Records, Has.Count.EqualTo(8));
        Assert.That(log.FirstSequence, Is.EqualTo(5UL));
        for (int i = 0; i < 8; i++)
        {
            AuditRecord a = trail.RecordAt(i), b = log.Records[i];
            Assert.That((b.Sequence, b.TimeNs, b.Kind, b.PatchId, b.Actor, b.Detail), Is.EqualTo((a.Sequence, a.TimeNs, a.Kind, a.PatchId, a.Actor, a.Detail)));
            Assert.That(b.Hash.ToArray(), Is.EqualTo(a.Hash.ToArray()));
        }
    }

    [Test]
    public void TamperingAnyFieldOfAnyRecordIsDetectedAtThatRecord()
    {
        AuditTrail trail = AuditTrailTests.Filled(10, 13);
        string[] lines = Lines(trail);
        for (int index = 1; index < lines.Length - 1; index++)
        {
            ulong sequence = trail.RecordAt(index - 1).Sequence;
            foreach (string field in s_fields)
            {
                string[] copy = (string[])lines.Clone();
                copy[index] = Tamper(copy[index], field);
                Assert.That(copy[index], Is.Not.EqualTo(lines[index]));
                AuditVerifyResult result = Import(Join(copy)).Verify();
                Assert.That(result.IsIntact, Is.False, $"{field} of record {sequence}");
                Assert.That(result.BrokenSequence, Is.EqualTo(sequence), $"{field}: {result.Message}");
            }
        }
    }

    [Test]
    public void DeletionReorderingAndCuttingAreDetected()
    {
        AuditTrail trail = AuditTrailTests.Filled(10, 10);
        string[] lines = Lines(trail);

        var deleted = lines.ToList();
        deleted.RemoveAt(4);
        AuditVerifyResult result = Import(Join(deleted)).Verify();
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.LinkBroken, 4UL)));

        var swapped = (string[])lines.Clone();
        (swapped[3], swapped[6]) = (swapped[6], swapped[3]);
        result = Import(Join(swapped)).Verify();
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.LinkBroken, 3UL)));

        var lastGone = lines.ToList();
        lastGone.RemoveAt(lines.Length - 2);
        result = Import(Join(lastGone)).Verify();
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 10UL)));

        result = Import(Join(lines.Take(lines.Length - 3))).Verify();
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.HeadMismatch, 9UL)));

        // Record 1 follows the zero anchor and nothing else (AuditHeaderFooterTests has the rest).
        var anchor = (string[])lines.Clone();
        anchor[0] = Regex.Replace(anchor[0], "\"anchor\":\"0", "\"anchor\":\"1");
        result = Import(Join(anchor)).Verify();
        Assert.That((result.Reason, result.BrokenSequence), Is.EqualTo((AuditBreak.AnchorMismatch, 1UL)));
    }

    [Test]
    public void MalformedExportsAreRefusedWithTheLineNumber()
    {
        string good = AuditExport.ToText(AuditTrailTests.Filled(4, 4));
        string[] bad =
        {
            "",
            "hello\n",
            good.Replace("\"kind\":\"Applied\"", "\"kind\":\"Appplied\""),
            good.Replace("\"seq\":2,", "\"seq\":02,"),
            good.Replace("\"seq\":2,", "\"seq\":99999999999999999999,"),
            good.Replace("\"patch\":", "\"patch\": "),
            good + "{\"seq\":1}\n",
            good.Replace(",\"hash\":\"", ",\"hash\":\"zz"),
            good.Replace("\"actor\":\"", "\"actor\":\"" + new string('a', 65)),
        };
        foreach (string text in bad)
        {
            Assert.That(AuditImport.TryParse(text, out AuditLog? log, out string error), Is.False, text);
            Assert.That(log, Is.Null);
            Assert.That(error, Is.Not.Empty);
        }

        Assert.That(AuditImport.TryParse(good.Replace("\"seq\":2,", "\"seq\":99999999999999999999,"), out _, out string message), Is.False);
        Assert.That(message, Is.EqualTo("line 3: not a line of an audit export"));
    }

    // Changes one field's value in a record line in a way that keeps the line well formed.
    private static string Tamper(string line, string field)
    {
        switch (field)
        {
            case "kind":
                return line.Contains("\"kind\":\"Learned\"") ? line.Replace("\"kind\":\"Learned\"", "\"kind\":\"Applied\"") : Regex.Replace(line, "\"kind\":\"[A-Za-z]+\"", "\"kind\":\"Learned\"");
            case "actor":
            case "detail":
                return line.Replace($"\"{field}\":\"", $"\"{field}\":\"x");
            case "prev":
            case "hash":
                return Regex.Replace(line, $"\"{field}\":\"(.)", m => $"\"{field}\":\"" + (m.Groups[1].Value == "0" ? "1" : "0"));
            default:
                return Regex.Replace(line, $"\"{field}\":([0-9]+)", m => $"\"{field}\":{ulong.Parse(m.Groups[1].Value) + 1}");
        }
    }
}
