using System.Text;
using NexOS.Security.Crypto;

namespace NexOS.Security.Audit;

/// <summary>
/// Reads the JSON-lines export of <see cref="AuditExport"/>. Contract: never throws on any
/// text; returns either an <see cref="AuditLog"/> (whose chain is then checked separately by
/// <see cref="AuditLog.Verify"/>) or a message naming the first malformed line. Blank lines
/// and carriage returns are ignored so that text captured from a serial console reads back.
/// </summary>
public static class AuditImport
{
    /// <summary>Parses a whole export.</summary>
    public static bool TryParse(string text, out AuditLog? log, out string error)
    {
        log = null;
        var records = new List<AuditRecord>();
        var scratch = new StringBuilder();
        byte[] anchor = new byte[Sha256.HashSize];
        byte[] head = new byte[Sha256.HashSize];
        ulong first = 0, footerCount = 0;
        bool haveHeader = false, haveFooter = false;
        int lineNumber = 0;
        foreach (string rawLine in text.Split('\n'))
        {
            lineNumber++;
            ReadOnlySpan<char> line = rawLine.AsSpan().TrimEnd('\r');
            if (line.IsEmpty)
            {
                continue;
            }

            var reader = new JsonLine(line);
            bool ok;
            if (!haveHeader)
            {
                ok = reader.Expect("{\"nexos_audit\":1,\"first\":") && reader.ReadUInt64(out first) && reader.Expect(",\"anchor\":") && reader.ReadHex(anchor);
                haveHeader = ok;
            }
            else if (haveFooter)
            {
                ok = false;
            }
            else if (line.StartsWith("{\"count\":", StringComparison.Ordinal))
            {
                ok = reader.Expect("{\"count\":") && reader.ReadUInt64(out footerCount) && reader.Expect(",\"head\":") && reader.ReadHex(head);
                haveFooter = ok;
            }
            else
            {
                var record = new AuditRecord();
                ok = TryReadRecord(ref reader, record, scratch);
                records.Add(record);
            }

            if (!ok || !reader.Expect("}") || !reader.AtEnd)
            {
                error = $"line {lineNumber}: not a line of an audit export";
                return false;
            }
        }

        if (!haveHeader)
        {
            error = "no header line: not an audit export";
            return false;
        }

        log = new AuditLog(first, anchor, records, haveFooter, footerCount, head);
        error = string.Empty;
        return true;
    }

    private static bool TryReadRecord(ref JsonLine reader, AuditRecord record, StringBuilder scratch)
    {
        Span<byte> hash = stackalloc byte[Sha256.HashSize];
        if (!reader.Expect("{\"seq\":") || !reader.ReadUInt64(out ulong sequence)
            || !reader.Expect(",\"time_ns\":") || !reader.ReadUInt64(out ulong timeNs)
            || !reader.Expect(",\"kind\":") || !reader.ReadString(scratch) || !AuditNames.TryParse(scratch.ToString(), out AuditEventKind kind)
            || !reader.Expect(",\"patch\":") || !reader.ReadUInt64(out ulong patchId)
            || !reader.Expect(",\"actor\":") || !reader.ReadString(scratch))
        {
            return false;
        }

        byte[] actor = Encoding.UTF8.GetBytes(scratch.ToString());
        if (!reader.Expect(",\"detail\":") || !reader.ReadString(scratch))
        {
            return false;
        }

        byte[] detail = Encoding.UTF8.GetBytes(scratch.ToString());
        if (!record.TryFillUtf8(sequence, timeNs, kind, patchId, actor, detail)
            || !reader.Expect(",\"prev\":") || !reader.ReadHex(hash))
        {
            return false;
        }

        record.SetPrevHash(hash);
        if (!reader.Expect(",\"hash\":") || !reader.ReadHex(hash))
        {
            return false;
        }

        record.SetHash(hash);
        return true;
    }
}
