using NexOS.Security.Crypto;
using NexOS.Security.Patching;
using NexOS.Kernel.Debugging;

namespace NexOS.Kernel.SelfEvolution;

/// <summary>
/// SHA-256 of the kernel image's read-only part and of the active patch set. The image hash
/// is taken at boot as the reference and recomputed on demand (`integrity`): a difference
/// means code or read-only data changed in memory after boot.
/// </summary>
internal static class Integrity
{
    private static byte[]? s_bootImageHash;
    private static ulong s_bootHashNs;

    /// <summary>The image hash taken at boot.</summary>
    public static ReadOnlySpan<byte> BootImageHash => s_bootImageHash;

    /// <summary>How long hashing the image took at boot.</summary>
    public static ulong BootHashNs => s_bootHashNs;

    /// <summary>Takes the boot reference.</summary>
    public static void TakeBootReference()
    {
        ulong start = Arch.X64.Tsc.NowNs;
        s_bootImageHash = new byte[Sha256.HashSize];
        Sha256.HashData(KernelImageBytes.ReadOnlyPart, s_bootImageHash);
        s_bootHashNs = Arch.X64.Tsc.NowNs - start;
    }

    /// <summary>The image hash now.</summary>
    public static void HashImage(Span<byte> digest) => Sha256.HashData(KernelImageBytes.ReadOnlyPart, digest);

    /// <summary>
    /// The active patch set's hash: for each hook in registration order the active patch's id
    /// (0 for the default) and its canary flag, then every registered parameter's value, as
    /// little-endian 64-bit words. Equal states give equal hashes.
    /// </summary>
    public static void HashPatchSet(PatchManager manager, Span<byte> digest)
    {
        Span<byte> block = stackalloc byte[Sha256.BlockSize];
        var sha = new Sha256(block);
        Span<byte> word = stackalloc byte[8];
        foreach (PolicyHook hook in manager.Registry.Hooks)
        {
            InstalledPatch? p = hook.Active;
            Write(ref sha, word, (long)(p?.PatchId ?? 0));
            Write(ref sha, word, p != null && p.IsCanary ? 1 : 0);
        }

        foreach (long value in manager.Registry.SnapshotParameters())
        {
            Write(ref sha, word, value);
        }

        sha.Finish(digest);
    }

    private static void Write(ref Sha256 sha, Span<byte> word, long value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(word, value);
        sha.Append(word);
    }
}
