using System.Text;
using NexOS.Security.Crypto;

namespace NexOS.Security.Audit;

/// <summary>
/// Writes an audit trail as JSON lines, pure ASCII, for the serial console or a file:
/// a header line with the first sequence number and the anchor, one line per record, and a
/// closing line with the record count and the head hash. <see cref="AuditImport"/> reads it
/// back on the host and <see cref="AuditLog.Verify"/> re-checks every hash.
/// </summary>
public static class AuditExport
{
    /// <summary>Appends the whole trail (taken under its lock) to <paramref name="output"/>.</summary>
    public static void WriteTo(AuditTrail trail, StringBuilder output)
    {
        trail.WithLock(output, static (t, o) =>
        {
            AppendHeader(o, t.FirstSequence, t.Anchor);
            for (int i = 0; i < t.Count; i++)
            {
                AppendRecord(o, t.RecordAt(i));
            }

            AppendFooter(o, (ulong)t.Count, t.Head);
        });
    }

    /// <summary>The whole trail as one string.</summary>
    public static string ToText(AuditTrail trail)
    {
        var output = new StringBuilder();
        WriteTo(trail, output);
        return output.ToString();
    }

    /// <summary>Appends the header line.</summary>
    public static void AppendHeader(StringBuilder output, ulong firstSequence, ReadOnlySpan<byte> anchor)
    {
        output.Append("{\"nexos_audit\":1,\"first\":").Append(firstSequence).Append(",\"anchor\":");
        AppendHex(output, anchor);
        output.Append("}\n");
    }

    /// <summary>Appends one record line.</summary>
    public static void AppendRecord(StringBuilder output, AuditRecord record)
    {
        output.Append("{\"seq\":").Append(record.Sequence)
            .Append(",\"time_ns\":").Append(record.TimeNs)
            .Append(",\"kind\":\"").Append(AuditNames.Name(record.Kind))
            .Append("\",\"patch\":").Append(record.PatchId)
            .Append(",\"actor\":");
        JsonLine.AppendString(output, record.Actor);
        output.Append(",\"detail\":");
        JsonLine.AppendString(output, record.Detail);
        output.Append(",\"prev\":");
        AppendHex(output, record.PrevHash);
        output.Append(",\"hash\":");
        AppendHex(output, record.Hash);
        output.Append("}\n");
    }

    /// <summary>Appends the closing line.</summary>
    public static void AppendFooter(StringBuilder output, ulong count, ReadOnlySpan<byte> head)
    {
        output.Append("{\"count\":").Append(count).Append(",\"head\":");
        AppendHex(output, head);
        output.Append("}\n");
    }

    private static void AppendHex(StringBuilder output, ReadOnlySpan<byte> bytes)
    {
        Span<char> hex = stackalloc char[Sha256.HashSize * 2];
        CryptoBytes.TryWriteHex(bytes, hex);
        output.Append('"').Append(hex.Slice(0, bytes.Length * 2)).Append('"');
    }
}
