using System.Text;
using NexOS.Abi;
using NexOS.Storage;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// Output redirection: `COMMAND ... > FILE` writes what the command prints to FILE (made or
/// emptied first), `>> FILE` adds it to the end. The operator is a word of its own or the start
/// of the file's word (`>out.txt`). It works for the commands the shell runs itself (the file
/// and device commands, `spawn`, `echo`), for the kernel's commands, whose output the kernel
/// returns instead of sending it to the console, and for programs run in the foreground,
/// whose log writes the kernel captures (`run NAME`, and a program from the disk by its
/// path); up to 1 MiB each.
/// </summary>
internal static class Redirection
{
    /// <summary>Takes a redirection off the end of <paramref name="words"/>: the target path
    /// and whether to append, or null when the line has none. <paramref name="error"/> is set
    /// for a redirection without a file.</summary>
    public static (string Path, bool Append)? Split(List<string> words, out string? error)
    {
        error = null;
        for (int i = 1; i < words.Count; i++)
        {
            string w = words[i];
            if (!w.StartsWith('>'))
            {
                continue;
            }

            bool append = w.StartsWith(">>", StringComparison.Ordinal);
            string rest = w[(append ? 2 : 1)..];
            int used = rest.Length > 0 ? 1 : 2;
            string path = rest.Length > 0 ? rest : (i + 1 < words.Count ? words[i + 1] : "");
            if (path.Length == 0 || i + used != words.Count)
            {
                error = path.Length == 0 ? "a redirection needs a file after '>'" : "a redirection goes at the end of the line";
                return null;
            }

            words.RemoveRange(i, used);
            return (path, append);
        }

        return null;
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/>; a line saying why
    /// not, or null.</summary>
    public static string? Write(FileClient files, string path, bool append, string text)
    {
        FileProtocol.OpenFlags flags = FileProtocol.OpenFlags.Write | FileProtocol.OpenFlags.Create | (append ? 0 : FileProtocol.OpenFlags.Truncate);
        StorageStatus status = files.Open(path, flags, out int fd);
        if (status == StorageStatus.Ok && append)
        {
            status = files.Seek(fd, 0, 2, out _);
        }

        if (status == StorageStatus.Ok)
        {
            status = files.Write(fd, Encoding.UTF8.GetBytes(text), out _);
        }

        if (fd >= 0)
        {
            StorageStatus closed = files.Close(fd);
            status = status == StorageStatus.Ok ? closed : status;
        }

        return status == StorageStatus.Ok ? null : $"shell: {path}: {FileClient.Describe(status)}\n";
    }
}
