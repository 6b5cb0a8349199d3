namespace NexOS.Security.Audit;

/// <summary>What happened to a patch or to the policy. The numeric values are hashed into
/// the chain, so they never change once assigned.</summary>
public enum AuditEventKind : byte
{
    /// <summary>A patch was submitted.</summary>
    Proposed = 1,

    /// <summary>A patch passed the format, signature, policy and code checks.</summary>
    Verified = 2,

    /// <summary>A patch was refused; the detail says by which rule.</summary>
    Rejected = 3,

    /// <summary>A patch was installed for everyone.</summary>
    Applied = 4,

    /// <summary>A patch started serving a canary share of decisions.</summary>
    CanaryStarted = 5,

    /// <summary>A canary was judged better and promoted to everyone.</summary>
    Promoted = 6,

    /// <summary>A patch was removed and the previous version restored.</summary>
    RolledBack = 7,

    /// <summary>The security level or a policy rule was changed.</summary>
    PolicyChanged = 8,

    /// <summary>The engine recorded what it learned from an outcome.</summary>
    Learned = 9,

    /// <summary>State kept on the disk was restored at boot, or refused because its check
    /// failed; the detail says which state and why.</summary>
    StateRestored = 10,
}

/// <summary>Spells event kinds for export and parses them back (no Enum.ToString in the kernel).</summary>
public static class AuditNames
{
    /// <summary>The name of <paramref name="kind"/>, or "unknown".</summary>
    public static string Name(AuditEventKind kind) => kind switch
    {
        AuditEventKind.Proposed => "Proposed",
        AuditEventKind.Verified => "Verified",
        AuditEventKind.Rejected => "Rejected",
        AuditEventKind.Applied => "Applied",
        AuditEventKind.CanaryStarted => "CanaryStarted",
        AuditEventKind.Promoted => "Promoted",
        AuditEventKind.RolledBack => "RolledBack",
        AuditEventKind.PolicyChanged => "PolicyChanged",
        AuditEventKind.Learned => "Learned",
        AuditEventKind.StateRestored => "StateRestored",
        _ => "unknown",
    };

    /// <summary>Parses a name written by <see cref="Name"/>; case-sensitive.</summary>
    public static bool TryParse(ReadOnlySpan<char> name, out AuditEventKind kind)
    {
        for (byte value = 1; value <= (byte)AuditEventKind.StateRestored; value++)
        {
            if (name.SequenceEqual(Name((AuditEventKind)value)))
            {
                kind = (AuditEventKind)value;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
