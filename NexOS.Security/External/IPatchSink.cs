namespace NexOS.Security.External;

/// <summary>
/// The one door through which a patch that arrived from outside (the second serial port, or
/// later a file) enters the kernel. The transport only frames bytes; everything about the patch
/// itself (parsing, signature, security level, verification, canary) is the sink's business,
/// so every delivery path meets the very same rules.
/// Contract: <see cref="Submit"/> takes untrusted bytes (at most
/// <see cref="Patches.PatchLimits.MaxTotalBytes"/>), never throws, may allocate, runs on a
/// kernel thread (never in an interrupt handler), and returns true only when the patch was
/// accepted for application. <paramref name="verdict"/> is always one line of printable
/// text that the transport sends back to the submitter as it is, for example
/// "accepted patch 7 for sched.time_slice (12 bytes of IL)" or
/// "rejected: IL_0004: opcode 'newobj' is not allowed [OpcodeNotAllowed]".
/// </summary>
public interface IPatchSink
{
    /// <summary>Hands over one complete patch; see the interface contract.</summary>
    bool Submit(ReadOnlySpan<byte> patchBytes, out string verdict);
}
