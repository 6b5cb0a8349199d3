namespace NexOS.Kernel.Boot;

/// <summary>
/// Boot modules other than the symbol table that GRUB loaded beside the kernel: today the AI
/// engine's pre-trained priors (command line "models"). Recorded by <see cref="EarlyInit"/>
/// before the heap exists, so plain statics without initialisers.
/// </summary>
internal static unsafe class BootModules
{
    private static byte* s_models;
    private static int s_modelsLength;

    /// <summary>The priors module's bytes, empty when there is none.</summary>
    public static ReadOnlySpan<byte> Models => s_models == null ? default : new ReadOnlySpan<byte>(s_models, s_modelsLength);

    /// <summary>Records the priors module. The caller guarantees the range stays mapped and
    /// reserved for the kernel's life (it is in EarlyInit's reserved ranges).</summary>
    public static void SetModels(ulong start, ulong end)
    {
        // Priors are a few hundred bytes; anything past 64 KiB is not a priors file.
        if (end > start && end - start <= 64 * 1024)
        {
            s_models = (byte*)start;
            s_modelsLength = (int)(end - start);
        }
    }
}
