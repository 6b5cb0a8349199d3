using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Debugging;

/// <summary>The kernel image's read-only part (code, read-only data, unwind tables) as bytes,
/// for the integrity hash. Kept in the platform layer because it turns addresses into a span.</summary>
internal static unsafe class KernelImageBytes
{
    /// <summary>Bytes from the start of .text to the start of .data: everything the kernel
    /// never writes after the linker placed it.</summary>
    public static ReadOnlySpan<byte> ReadOnlyPart
    {
        get
        {
            ulong start = NexOS.Runtime.ImageLayout.TextStart;
            ulong end = KernelImage.DataStart;
            return end > start && end - start < int.MaxValue ? new ReadOnlySpan<byte>((void*)start, (int)(end - start)) : ReadOnlySpan<byte>.Empty;
        }
    }
}
