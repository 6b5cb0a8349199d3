namespace NexOS.Kernel.Platform;

/// <summary>Addresses the linker placed (see boot.asm's kernel_image_table and link.ld).</summary>
internal static unsafe class KernelImage
{
    public static ulong Start => Word(0);

    public static ulong End => Word(1);

    public static ulong TextStart => Word(2);

    public static ulong TextEnd => Word(3);

    public static ulong EhFrameHdrStart => Word(4);

    public static ulong EhFrameHdrEnd => Word(5);

    public static ulong EhFrameStart => Word(6);

    public static ulong EhFrameEnd => Word(7);

    public static ulong BootStackBottom => Word(8);

    public static ulong BootStackTop => Word(9);

    /// <summary>Code compiled from IL (ilc's __managedcode section).</summary>
    public static ulong ManagedCodeStart => Word(10);

    public static ulong ManagedCodeEnd => Word(11);

    /// <summary>Unboxing stubs (ilc's __unbox section).</summary>
    public static ulong UnboxStubsStart => Word(12);

    public static ulong UnboxStubsEnd => Word(13);

    /// <summary>The thread-local data template: initialised bytes, then zeroes up to the size.</summary>
    public static ulong TlsTemplateStart => Word(14);

    public static ulong TlsTemplateInitializedSize => Word(15);

    public static ulong TlsSize => Word(16);

    public static ulong TlsAlignment => Word(17);

    public static ulong ReadOnlyDataStart => Word(18);

    public static ulong DataStart => Word(19);

    public static bool IsManagedCode(ulong address) => address >= ManagedCodeStart && address < ManagedCodeEnd;

    public static bool IsCode(ulong address) => address >= TextStart && address < TextEnd;

    [System.Runtime.RuntimeImport("*", "nexos_kernel_image")]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    private static extern ulong* Table();

    private static ulong Word(int index) => Table()[index];
}
