namespace NexOS.Security.Patches;

/// <summary>
/// Where a patch came from and why: kept with the patch and copied into the audit trail, so
/// that every change to the running system can be traced to a maker and a stated purpose.
/// </summary>
public sealed class PatchProvenance
{
    /// <summary>Creates provenance.</summary>
    /// <param name="patchId">Monotonic id given by the maker; the kernel refuses ids it has seen.</param>
    /// <param name="createdNs">Creation time in nanoseconds (kernel clock or Unix time for external makers).</param>
    /// <param name="origin">Engine or external.</param>
    /// <param name="source">The engine model's name or the person's name.</param>
    /// <param name="reason">Why the change is proposed, in words.</param>
    /// <param name="gainMetric">Name of the metric expected to improve.</param>
    /// <param name="expectedGainBp">Expected relative change of that metric in basis points (signed).</param>
    public PatchProvenance(ulong patchId, ulong createdNs, PatchOrigin origin, string source, string reason, string gainMetric, int expectedGainBp)
    {
        PatchId = patchId;
        CreatedNs = createdNs;
        Origin = origin;
        Source = source;
        Reason = reason;
        GainMetric = gainMetric;
        ExpectedGainBp = expectedGainBp;
    }

    /// <summary>Monotonic patch id.</summary>
    public ulong PatchId { get; }

    /// <summary>Creation time in nanoseconds.</summary>
    public ulong CreatedNs { get; }

    /// <summary>Engine or external.</summary>
    public PatchOrigin Origin { get; }

    /// <summary>Engine model name or person.</summary>
    public string Source { get; }

    /// <summary>Reason text.</summary>
    public string Reason { get; }

    /// <summary>Metric expected to change.</summary>
    public string GainMetric { get; }

    /// <summary>Expected relative change of <see cref="GainMetric"/>, basis points.</summary>
    public int ExpectedGainBp { get; }
}
