using System.Linq;
using System.Text.RegularExpressions;
using NexOS.Security.Audit;
using NexOS.Security.Crypto;

namespace NexOS.Tests.Security.Audit;

/// <summary>
/// Helpers the audit tests share: an export as lines, imports that must parse, edits of one
/// field of a line, and a forger that re-chains record lines the way someone who can compute
/// SHA-256 (but not change the kernel's copy) would.
/// </summary>
internal static class AuditKit
{
    /// <summary>The anchor of a chain that starts at record 1, as the export writes it.</summary>
    public static readonly string ZeroHash = new('0', Sha256.HashSize * 2);

    /// <summary>The export of <paramref name="trail"/>, one entry per line.</summary>
    public static string[] Lines(AuditTrail trail) => AuditExport.ToText(trail).TrimEnd('\n').Split('\n');

    /// <summary>Lines joined back into an export.</summary>
    public static string Join(IEnumerable<string> lines) => string.Join("\n", lines) + "\n";

    /// <summary>Imports <paramref name="text"/>; fails the test when it does not parse.</summary>
    public static AuditLog Import(string text)
    {
        Assert.That(AuditImport.TryParse(text, out AuditLog? log, out string error), Is.True, error);
        return log!;
    }

    /// <summary>Imports the lines and verifies them.</summary>
    public static AuditVerifyResult Verify(IEnumerable<string> lines) => Import(Join(lines)).Verify();

    /// <summary>The value of a number or hash field of a line, without quotes.</summary>
    public static string Field(string line, string name)
    {
        Match match = FieldPattern(name).Match(line);
        Assert.That(match.Success, Is.True, $"no field {name} in {line}");
        return match.Groups[1].Value.Trim('"');
    }

    /// <summary>The line with a number or hash field set to <paramref name="value"/>; hashes are
    /// written quoted, as the export writes them.</summary>
    public static string WithField(string line, string name, string value)
    {
        bool hash = Field(line, name).Length == Sha256.HashSize * 2;
        string written = hash ? $"\"{value}\"" : value;
        string edited = FieldPattern(name).Replace(line, $"\"{name}\":{written}", 1);
        Assert.That(edited, Is.Not.EqualTo(line), $"setting {name} to {value} changed nothing");
        return edited;
    }

    /// <summary>A hash with its first digit changed, still well formed.</summary>
    public static string Flipped(string hash) => (hash[0] == '0' ? "1" : "0") + hash.Substring(1);

    /// <summary>
    /// Gives each record line, in order, the previous hash that links it to the one before (the
    /// first to <paramref name="anchor"/>) and the hash its fields then have, so that only rules
    /// about sequence numbers and the unhashed lines can still object to the result.
    /// </summary>
    public static List<string> Rechain(IEnumerable<string> records, string anchor)
    {
        var chained = new List<string>();
        string previous = anchor;
        Span<byte> hash = stackalloc byte[Sha256.HashSize];
        foreach (string line in records)
        {
            string linked = WithPrev(line, previous);
            AuditRecord record = Import(Join(new[] { $"{{\"nexos_audit\":1,\"first\":1,\"anchor\":\"{previous}\"}}", linked })).Records[0];
            AuditChain.ComputeHash(record, hash);
            previous = Convert.ToHexStringLower(hash);
            chained.Add(Field(linked, "hash") == previous ? linked : WithField(linked, "hash", previous));
        }

        return chained;
    }

    /// <summary>The record lines of an export (everything between the header and the footer).</summary>
    public static List<string> Records(string[] lines) => lines.Skip(1).Take(lines.Length - 2).ToList();

    private static string WithPrev(string line, string previous) =>
        Field(line, "prev") == previous ? line : WithField(line, "prev", previous);

    // A number, or a quoted run of hex digits: the only values the edits touch.
    private static Regex FieldPattern(string name) => new($"\"{name}\":(\"[0-9a-f]*\"|[0-9]+)");
}
