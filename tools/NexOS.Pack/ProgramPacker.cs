using NexOS.Core.Boot;
using NexOS.Core.Loader;
using NexOS.Core.Paging;

namespace NexOS.Pack;

/// <summary>One program to pack: its name (the archive entry is "bin/" + name) and its ELF file.</summary>
public readonly record struct ProgramFile(string Name, byte[] Elf);

/// <summary>A file other than a program (the service manifest): its path in the archive, such
/// as "etc/services", and its bytes.</summary>
public readonly record struct DataFile(string Path, byte[] Bytes);

/// <summary>
/// Packs programs into the boot archive: each as "bin/&lt;name&gt;" with mode 0100755, in
/// ordinal order of name, through <see cref="NewcWriter"/>, so the same programs give the same
/// bytes whatever order they come in. Refused, with a one-line reason and no archive: a name
/// that is not 1 to <see cref="MaxNameLength"/> letters, digits, '.', '_' or '-' starting with
/// something other than '.'; a name given twice; a file the kernel's ELF check refuses
/// (<see cref="ElfImage"/>, with segments between <see cref="UserLayout.UserBase"/> and
/// <see cref="UserLayout.ImageTop"/>); an
/// archive larger than <see cref="ProgramArchive.MaxBytes"/>. An empty list gives an archive of
/// just the trailer.
/// </summary>
public static class ProgramPacker
{
    /// <summary>The longest name: "bin/", the name and a NUL fit the archive reader's limit.</summary>
    public const int MaxNameLength = NewcWriter.MaxName - 1 - 4;

    private const uint Permissions = 0x1ED; // rwxr-xr-x
    private const uint DataPermissions = 0x1A4; // rw-r--r--

    /// <summary>The archive, or null and the reason in <paramref name="error"/>.</summary>
    public static byte[]? TryPack(IReadOnlyList<ProgramFile> programs, out string error) =>
        TryPack(programs, Array.Empty<DataFile>(), out error);

    /// <summary>The archive with <paramref name="files"/> besides the programs, or null and the
    /// reason. A file's path is names (as for programs) joined by '/', not under "bin/", at
    /// most <see cref="MaxNameLength"/> characters, each given once; files go after the
    /// programs, in ordinal order of path, with mode 0100644.</summary>
    public static byte[]? TryPack(IReadOnlyList<ProgramFile> programs, IReadOnlyList<DataFile> files, out string error)
    {
        ArgumentNullException.ThrowIfNull(programs);
        ArgumentNullException.ThrowIfNull(files);
        var data = new List<DataFile>(files);
        data.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        for (int i = 0; i < data.Count; i++)
        {
            string path = data[i].Path ?? string.Empty;
            if (path.Length > MaxNameLength || path.StartsWith(ProgramArchive.Directory, StringComparison.Ordinal)
                || !Array.TrueForAll(path.Split('/'), IsValidName) || data[i].Bytes == null)
            {
                error = $"file '{path}': a path of names joined by '/', not under {ProgramArchive.Directory}, at most {MaxNameLength} characters";
                return null;
            }

            if (i > 0 && data[i - 1].Path == path)
            {
                error = $"file '{path}' is given twice";
                return null;
            }
        }

        var sorted = new List<ProgramFile>(programs);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 0; i < sorted.Count; i++)
        {
            ProgramFile program = sorted[i];
            if (!IsValidName(program.Name))
            {
                error = $"program name '{program.Name}': 1 to {MaxNameLength} letters, digits, '.', '_' or '-', not starting with '.'";
                return null;
            }

            if (i > 0 && sorted[i - 1].Name == program.Name)
            {
                error = $"program '{program.Name}' is given twice";
                return null;
            }

            if (program.Elf == null)
            {
                error = $"program '{program.Name}': no file";
                return null;
            }

            if (ElfImage.TryParse(program.Elf, UserLayout.UserBase, UserLayout.ImageTop, out string refusal) == null)
            {
                error = $"program '{program.Name}': {refusal}";
                return null;
            }
        }

        var writer = new NewcWriter();
        foreach (ProgramFile program in sorted)
        {
            if (writer.Length + program.Elf.Length > ProgramArchive.MaxBytes)
            {
                error = $"the archive would be larger than the {ProgramArchive.MaxBytes >> 20} MiB the kernel reads (at '{program.Name}')";
                return null;
            }

            writer.AddFile(ProgramArchive.Directory + program.Name, program.Elf, Permissions);
        }

        foreach (DataFile file in data)
        {
            if (writer.Length + file.Bytes.Length > ProgramArchive.MaxBytes)
            {
                error = $"the archive would be larger than the {ProgramArchive.MaxBytes >> 20} MiB the kernel reads (at '{file.Path}')";
                return null;
            }

            writer.AddFile(file.Path, file.Bytes, DataPermissions);
        }

        byte[] archive = writer.Finish();
        if (archive.Length > ProgramArchive.MaxBytes)
        {
            error = $"the archive would be larger than the {ProgramArchive.MaxBytes >> 20} MiB the kernel reads";
            return null;
        }

        error = string.Empty;
        return archive;
    }

    /// <summary>True for 1 to <see cref="MaxNameLength"/> ASCII letters, digits, '.', '_' and
    /// '-', the first not a '.'.</summary>
    public static bool IsValidName(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength || name[0] == '.')
        {
            return false;
        }

        foreach (char c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '.' && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }
}
