using NexOS.Security.Policy;

namespace NexOS.PatchTool;

/// <summary>Everything `nexos-patch build` needs: where the policy is, which hook, and the provenance.</summary>
public sealed record PatchBuildOptions
{
    /// <summary>The compiled policy assembly (.dll).</summary>
    public required string AssemblyPath { get; init; }

    /// <summary>"Type.Method" of the policy.</summary>
    public required string Method { get; init; }

    /// <summary>The hook it replaces, e.g. "sched.time_slice".</summary>
    public required string Hook { get; init; }

    /// <summary>The person responsible (provenance source).</summary>
    public required string Author { get; init; }

    /// <summary>Why, in words.</summary>
    public string Reason { get; init; } = string.Empty;

    /// <summary>The metric expected to change.</summary>
    public string GainMetric { get; init; } = string.Empty;

    /// <summary>Expected relative change of that metric, basis points.</summary>
    public int ExpectedGainBp { get; init; }

    /// <summary>The patch id; 0 means "now in Unix milliseconds", which keeps one author's ids rising.</summary>
    public ulong PatchId { get; init; }

    /// <summary>A signing key (hex in a file), or null for an unsigned patch.</summary>
    public string? KeyFile { get; init; }

    /// <summary>The id of that key in the kernel's key ring.</summary>
    public uint KeyId { get; init; }

    /// <summary>The security level whose verifier limits (loops, code size) the policy must
    /// meet; the kernel boots at Standard. The kernel checks again at its own level.</summary>
    public SecurityLevel Level { get; init; } = SecurityLevel.Standard;
}
