using System.Text;
using NexOS.Security.Audit;
using NexOS.Security.Crypto;
using NexOS.Security.Patches;
using NexOS.Security.Patching;
using NexOS.Security.Policy;

namespace NexOS.Security.Persistence;

/// <summary>
/// The trusted base's state as the text the state keeper stores on the disk, and the checks it
/// must pass to be taken back at the next boot. Nothing read from the disk is trusted
/// silently: an audit trail is adopted only when its whole chain and closing line verify; a
/// settings file may raise the security level but never lower it below the boot default
/// (Standard); keys are taken only at Standard or Permissive, and each one goes through the
/// key ring's own checks. Every restore, adopted or refused, is a StateRestored audit record.
/// Callers hold the manager's gate.
/// </summary>
public static class PersistentState
{
    /// <summary>The actor of the audit records restores make.</summary>
    public const string Actor = "state";

    /// <summary>The trail as `audit export` writes it.</summary>
    public static string WriteAudit(PatchManager manager) => AuditExport.ToText(manager.Trail);

    /// <summary>
    /// Verifies an audit trail read from the disk and, when its chain is intact and complete,
    /// puts it in front of this boot's records so one chain runs across boots. Refused when
    /// the text is not an export, a record or the anchor does not match its hash (tampered),
    /// or the closing line is missing or disagrees (cut off). The report names what was found.
    /// </summary>
    public static bool RestoreAudit(PatchManager manager, string text, ulong nowNs, out string report)
    {
        if (!AuditImport.TryParse(text, out AuditLog? log, out string error))
        {
            report = $"audit trail on the disk refused: unreadable ({error})";
        }
        else
        {
            AuditVerifyResult verdict = log!.Verify();
            if (!verdict.IsIntact)
            {
                report = $"audit trail on the disk refused: tampered or cut off at record {verdict.BrokenSequence} ({verdict.Message})";
            }
            else
            {
                ulong firstOwn = manager.Trail.Restore(log);
                report = $"audit trail restored: {log.Records.Count} records of earlier boots verified; this boot's records go on from {firstOwn}";
                manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, Actor, report);
                return true;
            }
        }

        manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, Actor, report);
        return false;
    }

    /// <summary>The trusted keys, one `key ID HEX` line each.</summary>
    public static string WriteKeys(PatchKeyRing keys)
    {
        var text = new StringBuilder();
        Span<char> hex = stackalloc char[PatchSigningKey.MaxKeyBytes * 2];
        for (int i = 0; i < keys.Count; i++)
        {
            if (keys.TryFind(keys.KeyIdAt(i), out PatchSigningKey? key) && CryptoBytes.TryWriteHex(key!.Key, hex))
            {
                text.Append("key ").Append(key.KeyId).Append(' ').Append(hex[..(key.Key.Length * 2)]).Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Trusts the keys of a `key ID HEX` file, each through the manager (audited as
    /// any key added by hand). Refused whole, adding none, when a line is malformed or the
    /// level is Strict or Paranoid (there, keys come only from the console).</summary>
    public static bool RestoreKeys(PatchManager manager, string text, ulong nowNs, out string report)
    {
        var keys = new List<PatchSigningKey>();
        string? problem = null;
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string[] words = raw.TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (problem != null || words.Length == 0)
            {
                continue;
            }

            byte[]? bytes = words.Length == 3 && words[0] == "key" && uint.TryParse(words[1], out uint id)
                ? PatchSigningKey.TryParseHex(words[2], out _)
                : null;
            if (bytes == null || bytes.Length < PatchSigningKey.MinKeyBytes || bytes.Length > PatchSigningKey.MaxKeyBytes)
            {
                problem = $"line {number} is not `key ID HEX` with a key of {PatchSigningKey.MinKeyBytes} to {PatchSigningKey.MaxKeyBytes} bytes";
                continue;
            }

            keys.Add(new PatchSigningKey(uint.Parse(words[1]), bytes));
        }

        if (problem == null && keys.Count > 0 && manager.Policy.Level is SecurityLevel.Strict or SecurityLevel.Paranoid)
        {
            problem = $"the level is {PolicyNames.Name(manager.Policy.Level)}, where keys are added only at the console";
        }

        if (problem != null)
        {
            report = $"keys on the disk refused: {problem}";
            manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, Actor, report);
            return false;
        }

        int added = 0;
        foreach (PatchSigningKey key in keys)
        {
            added += manager.Keys.CheckAdd(key.KeyId) == null && manager.AddKey(key).StartsWith("key ", StringComparison.Ordinal) ? 1 : 0;
        }

        report = $"keys restored: {added} of {keys.Count} trusted again";
        manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, Actor, report);
        return true;
    }

    /// <summary>The settings: `level NAME` and `auto on|off`.</summary>
    public static string WriteSettings(PatchManager manager, bool auto) =>
        $"level {PolicyNames.Name(manager.Policy.Level).ToLowerInvariant()}\nauto {(auto ? "on" : "off")}\n";

    /// <summary>Reads a settings file: the level it names is set when it is Standard or
    /// above, and <paramref name="auto"/> is what it says. Refused whole, changing nothing,
    /// for an unknown line or a level below Standard.</summary>
    public static bool RestoreSettings(PatchManager manager, string text, ulong nowNs, out bool? auto, out string report)
    {
        auto = null;
        SecurityLevel? level = null;
        string? problem = null;
        foreach (string raw in text.Split('\n'))
        {
            string[] words = raw.TrimEnd('\r').Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0 || problem != null)
            {
                continue;
            }

            if (words.Length == 2 && words[0] == "level" && PolicyNames.TryParseLevel(words[1], out SecurityLevel named))
            {
                level = named;
                problem = named < SecurityLevel.Standard ? $"it asks for {PolicyNames.Name(named)}, and a level below Standard is never taken from the disk" : null;
            }
            else if (words.Length == 2 && words[0] == "auto" && (words[1] == "on" || words[1] == "off"))
            {
                auto = words[1] == "on";
            }
            else
            {
                problem = $"'{(raw.Length > 40 ? raw[..40] : raw)}' is not a setting (level NAME, auto on|off)";
            }
        }

        if (problem != null)
        {
            auto = null;
            report = $"settings on the disk refused: {problem}";
            manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, Actor, report);
            return false;
        }

        string set = level != null && level != manager.Policy.Level ? manager.SetLevel(level.Value) : $"level {PolicyNames.Name(manager.Policy.Level)} kept";
        report = $"settings restored: {set}; auto {(auto == true ? "on" : auto == false ? "off" : "unchanged")}";
        manager.Trail.Append(nowNs, AuditEventKind.StateRestored, 0, Actor, report);
        return true;
    }
}
