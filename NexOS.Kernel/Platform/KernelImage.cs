namespace NexOS.Kernel.Platform;

/// <summary>The kernel's own words of the image table the linker filled (boot.asm's
/// kernel_image_table and link.ld): the boot stack, the TLS template and the data sections.
/// The words every image has (its bounds, text, unwind tables, managed code) are read through
/// the runtime layer's <see cref="NexOS.Runtime.ImageLayout"/>.</summary>
internal static unsafe class KernelImage
{
    public static ulong BootStackBottom => Word(8);

    public static ulong BootStackTop => Word(9);

    /// <summary>The thread-local data template: initialised bytes, then zeroes up to the size.</summary>
    public static ulong TlsTemplateStart => Word(14);

    public static ulong TlsTemplateInitializedSize => Word(15);

    public static ulong TlsSize => Word(16);

    public static ulong TlsAlignment => Word(17);

    public static ulong ReadOnlyDataStart => Word(18);

    public static ulong DataStart => Word(19);

    [System.Runtime.RuntimeImport("*", "nexos_kernel_image")]
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    private static extern ulong* Table();

    private static ulong Word(int index) => Table()[index];
}
