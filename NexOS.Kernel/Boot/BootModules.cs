using NexOS.Core.Boot;

namespace NexOS.Kernel.Boot;

/// <summary>
/// Boot modules other than the symbol table that GRUB loaded beside the kernel: the AI
/// engine's pre-trained priors (command line "models") and the boot archive of programs
/// ("programs"). Recorded by <see cref="EarlyInit"/> before the heap exists, so plain statics
/// without initialisers.
/// </summary>
internal static unsafe class BootModules
{
    private static byte* s_models;
    private static int s_modelsLength;
    private static byte* s_programs;
    private static ulong s_programsLength;
    private static bool s_hasPrograms;

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

    /// <summary>The programs archive's bytes: empty when there is none or when it is larger
    /// than <see cref="ProgramArchive.MaxBytes"/> (<see cref="ProgramsLength"/> tells which).</summary>
    public static ReadOnlySpan<byte> Programs =>
        s_hasPrograms && s_programsLength <= ProgramArchive.MaxBytes ? new ReadOnlySpan<byte>(s_programs, (int)s_programsLength) : default;

    /// <summary>The programs module's size as GRUB loaded it (also when it is too large to be
    /// read), or null when there is none.</summary>
    public static ulong? ProgramsLength => s_hasPrograms ? s_programsLength : null;

    /// <summary>Records the programs module; the first one counts. The caller guarantees the
    /// range stays mapped and reserved for the kernel's life (it is in EarlyInit's reserved
    /// ranges, whatever its size).</summary>
    public static void SetPrograms(ulong start, ulong end)
    {
        if (!s_hasPrograms && end >= start)
        {
            s_programs = (byte*)start;
            s_programsLength = end - start;
            s_hasPrograms = true;
        }
    }
}
