using NexOS.Core.Hardware;

namespace NexOS.Kernel.Platform;

/// <summary>
/// Reads physical memory through the boot identity map, which covers the first 4 GiB
/// (boot.asm). Firmware tables (ACPI) live there on PCs and in QEMU.
/// </summary>
internal sealed unsafe class IdentityMappedMemory : IPhysicalMemory
{
    public const ulong MappedLimit = 4UL << 30;

    public static readonly IdentityMappedMemory Instance = new();

    public bool TryRead(ulong address, Span<byte> destination)
    {
        ulong length = (ulong)destination.Length;
        if (address == 0 || address >= MappedLimit || length > MappedLimit - address)
        {
            return false;
        }

        new ReadOnlySpan<byte>((void*)address, destination.Length).CopyTo(destination);
        return true;
    }
}
