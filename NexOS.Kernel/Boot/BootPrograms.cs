using NexOS.Core.Boot;

namespace NexOS.Kernel.Boot;

/// <summary>
/// The boot archive of programs, read once from the module <see cref="EarlyInit"/> recorded
/// (<see cref="BootModules.Programs"/>). The kernel reads it at boot and logs its
/// <see cref="ProgramArchive.Summary"/>; the `programs` command lists it. A missing, oversized
/// or malformed archive is a state of the result, never a failure: the system keeps running.
/// </summary>
internal static class BootPrograms
{
    private static ProgramArchive? s_archive;

    /// <summary>The archive, read on first use (the heap must exist) and kept for the kernel's life.</summary>
    public static ProgramArchive Archive => s_archive ??= ProgramArchive.FromModule(BootModules.ProgramsLength, BootModules.Programs);

    /// <summary>Finds program <paramref name="name"/> (the archive entry bin/<paramref name="name"/>);
    /// <paramref name="file"/> is its bytes, inside the boot module, valid for the kernel's life.</summary>
    public static bool TryFind(string name, out ReadOnlySpan<byte> file)
    {
        file = default;
        CpioArchive? archive = Archive.Archive;
        if (archive == null || !archive.TryFind(ProgramArchive.Directory + name, out CpioFile entry))
        {
            return false;
        }

        file = BootModules.Programs.Slice(entry.Offset, entry.Length);
        return true;
    }
}
