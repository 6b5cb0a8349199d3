using NexOS.Drivers.Display;

namespace NexOS.Kernel;

/// <summary>The EGA text buffer GRUB reports in the multiboot2 framebuffer tag (kind 2),
/// reached through the boot identity map.</summary>
internal sealed unsafe class EgaTextCells : ITextCells
{
    private readonly ushort* _buffer;

    /// <summary>The caller guarantees the address came from the boot loader's framebuffer tag
    /// and lies in the identity-mapped first 4 GiB.</summary>
    public EgaTextCells(ulong address, int width, int height)
    {
        _buffer = (ushort*)address;
        Width = width;
        Height = height;
    }

    public int Width { get; }

    public int Height { get; }

    public ushort Get(int index) => (uint)index < (uint)(Width * Height) ? _buffer[index] : (ushort)0;

    public void Set(int index, ushort cell)
    {
        if ((uint)index < (uint)(Width * Height))
        {
            _buffer[index] = cell;
        }
    }
}
