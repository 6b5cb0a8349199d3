namespace NexOS.Security.External;

/// <summary>One patch the inbox received: what it claimed to be and what became of it. Immutable.</summary>
public sealed class PatchInboxEntry
{
    /// <summary>Creates an entry.</summary>
    public PatchInboxEntry(ulong sequence, int length, ulong patchId, string source, string target, bool accepted, string verdict)
    {
        Sequence = sequence;
        Length = length;
        PatchId = patchId;
        Source = source;
        Target = target;
        Accepted = accepted;
        Verdict = verdict;
    }

    /// <summary>1 for the first submission since boot, then +1.</summary>
    public ulong Sequence { get; }

    /// <summary>Bytes submitted.</summary>
    public int Length { get; }

    /// <summary>The patch id, or 0 when the bytes did not parse.</summary>
    public ulong PatchId { get; }

    /// <summary>Who made it ("?" when the bytes did not parse).</summary>
    public string Source { get; }

    /// <summary>The target hook ("?" when the bytes did not parse).</summary>
    public string Target { get; }

    /// <summary>Whether the sink accepted it.</summary>
    public bool Accepted { get; }

    /// <summary>The one-line verdict sent back to the submitter.</summary>
    public string Verdict { get; }
}
