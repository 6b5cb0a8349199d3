using System.Text;

namespace NexOS.Core.Boot;

/// <summary>
/// The boot archive of programs: the cpio newc archive GRUB loads as the boot module
/// "programs", holding static executables named "bin/&lt;name&gt;" until there is a file system.
/// It is in one of four states: there was no such module, the module was refused for its size,
/// it could not be read (<see cref="Error"/> says why), or it was read (<see cref="Archive"/>).
/// Every state has a one-line <see cref="Summary"/> and a <see cref="Listing"/>; neither throws.
/// </summary>
public sealed class ProgramArchive
{
    /// <summary>The boot module's name on GRUB's module2 line.</summary>
    public const string ModuleName = "programs";

    /// <summary>The largest archive read (64 MiB); a larger module is refused whole.</summary>
    public const int MaxBytes = 64 << 20;

    /// <summary>The folder every program is named under.</summary>
    public const string Directory = "bin/";

    private ProgramArchive(CpioArchive? archive, ulong? moduleLength, string? error)
    {
        Archive = archive;
        ModuleLength = moduleLength;
        Error = error;
    }

    /// <summary>The archive's files, or null when there is no readable archive.</summary>
    public CpioArchive? Archive { get; }

    /// <summary>The module's size in bytes, or null when GRUB loaded none.</summary>
    public ulong? ModuleLength { get; }

    /// <summary>Why a module that exists was not read, or null (also when there is no module).</summary>
    public string? Error { get; }

    /// <summary>One line (no line break) for the boot log: how many programs (entries under
    /// bin/) and how large the archive is, and how many other files it holds (the service
    /// manifest), or why there are none.</summary>
    public string Summary
    {
        get
        {
            if (ModuleLength is not { } length)
            {
                return $"{ModuleName}: no boot archive (GRUB loaded no module named \"{ModuleName}\")";
            }

            if (Archive == null)
            {
                return $"{ModuleName}: the boot archive is unusable: {Error}";
            }

            int programs = 0;
            foreach (CpioFile file in Archive.Files)
            {
                programs += file.Name.StartsWith(Directory, StringComparison.Ordinal) ? 1 : 0;
            }

            int others = Archive.Files.Count - programs;
            string rest = others == 0 ? string.Empty : $", and {others} other file{(others == 1 ? "" : "s")}";
            return $"{ModuleName}: {programs} in the boot archive ({(length + 1023) / 1024} KiB){rest}";
        }
    }

    /// <summary>
    /// Reads the module. <paramref name="moduleLength"/> is its size as loaded, null when there
    /// was none; <paramref name="module"/> its bytes, which are looked at only when the size is
    /// at most <see cref="MaxBytes"/> and equal to <paramref name="moduleLength"/>. The files of
    /// the result point into <paramref name="module"/>, so its memory must outlive the result.
    /// </summary>
    public static ProgramArchive FromModule(ulong? moduleLength, ReadOnlySpan<byte> module)
    {
        if (moduleLength is not { } length)
        {
            return new ProgramArchive(null, null, null);
        }

        if (length > MaxBytes)
        {
            return new ProgramArchive(null, length, $"the module is {(length + (1 << 20) - 1) >> 20} MiB, more than the {MaxBytes >> 20} MiB allowed; not read");
        }

        if ((ulong)module.Length != length)
        {
            return new ProgramArchive(null, length, $"{module.Length} of the module's {length} bytes are readable");
        }

        return CpioArchive.TryRead(module, out CpioArchive? archive, out string message) == CpioError.None
            ? new ProgramArchive(archive, length, null)
            : new ProgramArchive(null, length, message);
    }

    /// <summary>The `programs` command's output: one line per file (name and size in bytes)
    /// under a heading, or the summary when there is nothing to list. Ends with a line break.</summary>
    public string Listing()
    {
        if (Archive == null || Archive.Files.Count == 0)
        {
            return Summary + "\n";
        }

        int width = 4;
        foreach (CpioFile file in Archive.Files)
        {
            width = Math.Max(width, file.Name.Length);
        }

        var sb = new StringBuilder();
        sb.Append("NAME".PadRight(width)).Append("       BYTES\n");
        foreach (CpioFile file in Archive.Files)
        {
            sb.Append(file.Name.PadRight(width)).Append(' ').Append(file.Length.ToString().PadLeft(11)).Append('\n');
        }

        return sb.ToString();
    }
}
