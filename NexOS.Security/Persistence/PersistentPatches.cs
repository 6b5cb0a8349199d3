using System.Text;
using NexOS.Security.Audit;
using NexOS.Security.Crypto;
using NexOS.Security.Patches;
using NexOS.Security.Patching;

namespace NexOS.Security.Persistence;

/// <summary>
/// The active patch set as the state keeper stores it: one `patch HEX` line per active patch
/// that came from outside, its bytes exactly as they arrived (signature included). At the next
/// boot each one is submitted again on the External channel, so it passes every check a new
/// patch passes (signature against the trusted keys, the level's rules, the rate limit, the
/// verifier and, for code, a canary); a file edited on the disk fails its signature. The
/// engine's own patches are not in the set (PatchManager.Kept.cs says why). Callers hold the
/// manager's gate; keys and settings should be restored first, since the checks use them.
/// </summary>
public static class PersistentPatches
{
    /// <summary>The active patches from outside, oldest first, one `patch HEX` line each.</summary>
    public static string Write(PatchManager manager)
    {
        var text = new StringBuilder();
        foreach (KeptPatch kept in manager.ActiveKeptPatches())
        {
            char[] hex = new char[kept.Bytes.Length * 2];
            if (CryptoBytes.TryWriteHex(kept.Bytes, hex))
            {
                text.Append("patch ").Append(hex).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>
    /// Submits each patch of a `patch HEX` file again, in order, as a patch from outside.
    /// Refused whole, submitting none, when a line is malformed. The report counts what was
    /// applied again and names the first refusal; the patches' own audit records tell the
    /// rest. True when the file was read, even if a patch was refused.
    /// </summary>
    public static bool Restore(PatchManager manager, string text, ulong nowNs, out string report)
    {
        var patches = new List<byte[]>();
        string? problem = null;
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r');
            if (problem != null || line.Length == 0)
            {
                continue;
            }

            ReadOnlySpan<char> hex = line.StartsWith("patch ", StringComparison.Ordinal) ? line.AsSpan(6) : ReadOnlySpan<char>.Empty;
            byte[]? bytes = hex.IsEmpty || hex.Length % 2 != 0 || hex.Length / 2 > PatchManager.MaxKeptBytes ? null : new byte[hex.Length / 2];
            if (bytes == null || !CryptoBytes.TryParseHex(hex, bytes))
            {
                problem = $"line {number} is not `patch HEX` with a patch of at most {PatchManager.MaxKeptBytes / 1024} KiB";
                continue;
            }

            patches.Add(bytes);
        }

        if (problem != null)
        {
            report = $"patch set on the disk refused: {problem}";
            manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, PersistentState.Actor, report);
            return false;
        }

        int applied = 0;
        string? firstRefusal = null;
        foreach (byte[] bytes in patches)
        {
            SubmitResult result = manager.SubmitAndKeep(bytes, PatchOrigin.External);
            applied += result.Accepted ? 1 : 0;
            firstRefusal ??= result.Accepted ? null : result.Message;
        }

        report = $"patch set restored: {applied} of {patches.Count} applied again" + (firstRefusal == null ? "" : $"; {firstRefusal}");
        manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, PersistentState.Actor, report);
        return true;
    }
}
