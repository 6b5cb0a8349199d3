using System.IO;

namespace NexOS.Pack;

/// <summary>
/// `nexos-pack OUTPUT [NAME=ELF | --file PATH=FILE]...`: packs the programs (each a name and
/// the path of its ELF file; the name ends at the first '=') and other files (each its path in
/// the archive and the file to read) into the boot archive at OUTPUT with
/// <see cref="ProgramPacker"/>. OUTPUT is replaced only when packing succeeds. Exit status 0
/// written, 2 usage, 3 a file cannot be read or written, 4 a program is refused.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: nexos-pack OUTPUT [NAME=ELF | --file PATH=FILE]...");
            return 2;
        }

        var programs = new List<ProgramFile>();
        var files = new List<DataFile>();
        bool nextIsFile = false;
        foreach (string pair in args[1..])
        {
            if (pair == "--file")
            {
                nextIsFile = true;
                continue;
            }

            int equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals < 0)
            {
                Console.Error.WriteLine($"nexos-pack: '{pair}' is not NAME=ELF");
                return 2;
            }

            string path = pair[(equals + 1)..];
            try
            {
                if (nextIsFile)
                {
                    files.Add(new DataFile(pair[..equals], File.ReadAllBytes(path)));
                }
                else
                {
                    programs.Add(new ProgramFile(pair[..equals], File.ReadAllBytes(path)));
                }

                nextIsFile = false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                Console.Error.WriteLine($"nexos-pack: cannot read {path}: {e.Message}");
                return 3;
            }
        }

        byte[]? archive = ProgramPacker.TryPack(programs, files, out string error);
        if (archive == null)
        {
            Console.Error.WriteLine($"nexos-pack: {error}");
            return 4;
        }

        string output = args[0];
        try
        {
            File.WriteAllBytes(output + ".tmp", archive);
            File.Move(output + ".tmp", output, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            Console.Error.WriteLine($"nexos-pack: cannot write {output}: {e.Message}");
            return 3;
        }

        Console.Error.WriteLine($"nexos-pack: wrote {output}: {programs.Count} program(s), {archive.Length} bytes");
        return 0;
    }
}
