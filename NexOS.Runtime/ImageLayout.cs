using System.Runtime;
using System.Runtime.CompilerServices;

namespace NexOS.Runtime;

/// <summary>
/// Where the linker placed the image's parts, from the table the platform's start code
/// exports as <c>nexos_image_layout</c> (the kernel's boot.asm, a program's start.asm): ten
/// pairs of words in this order.
/// </summary>
internal static unsafe class ImageLayout
{
    /// <summary>The image's first and one-past-last address.</summary>
    public static ulong Start => Word(0);

    public static ulong End => Word(1);

    public static ulong TextStart => Word(2);

    public static ulong TextEnd => Word(3);

    public static ulong EhFrameHdrStart => Word(4);

    public static ulong EhFrameHdrEnd => Word(5);

    public static ulong EhFrameStart => Word(6);

    public static ulong EhFrameEnd => Word(7);

    // Words 8 and 9 are the platform's own (the kernel's boot stack).

    /// <summary>Code compiled from IL (ilc's __managedcode section).</summary>
    public static ulong ManagedCodeStart => Word(10);

    public static ulong ManagedCodeEnd => Word(11);

    /// <summary>Unboxing stubs (ilc's __unbox section).</summary>
    public static ulong UnboxStubsStart => Word(12);

    public static ulong UnboxStubsEnd => Word(13);

    public static bool IsManagedCode(ulong address) => address >= ManagedCodeStart && address < ManagedCodeEnd;

    public static bool IsCode(ulong address) => address >= TextStart && address < TextEnd;

    [RuntimeImport("*", "nexos_image_layout")]
    [MethodImpl(MethodImplOptions.InternalCall)]
    private static extern ulong* Table();

    private static ulong Word(int index) => Table()[index];
}
