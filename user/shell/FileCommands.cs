using System.Text;
using NexOS.Abi;
using NexOS.Storage;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// The file commands, which the shell runs itself as a client of the file-system service (its
/// endpoint in slot 4): `ls`, `cat`, `cp`, `mv`, `rm`, `mkdir`, `rmdir`, `df`, `mount`, `sync`,
/// `cd`, `pwd`, `echo`, and `state`, which asks the state keeper (slot 5) what it restored and
/// saved. `sync` has the keeper store the kernel's state first, then the file system write
/// everything out. Paths not starting with '/' are taken from the current directory
/// (`cd`). Each failure is one line naming the command, the path and the reason.
/// </summary>
internal sealed class FileCommands
{
    private const int FilesSlot = 4;
    private const int StateSlot = 5;
    private const int CopyChunk = 64 * 1024;

    private static readonly string[] s_names = { "ls", "cat", "cp", "mv", "rm", "mkdir", "rmdir", "df", "mount", "sync", "cd", "pwd", "echo", "state" };

    private readonly FileClient _files = new(FilesSlot);
    private string _directory = "/";

    /// <summary>The file client (output redirection writes through it too).</summary>
    public FileClient Files => _files;

    /// <summary>True when <paramref name="command"/> is one of these commands.</summary>
    public static bool Handles(string command) => Array.IndexOf(s_names, command) >= 0;

    /// <summary>An absolute path for <paramref name="path"/> as typed.</summary>
    public string Absolute(string path) => path.StartsWith('/') ? path : (_directory == "/" ? "/" : _directory + "/") + path;

    /// <summary>Runs the line if it is one of these commands; false, writing nothing, otherwise.</summary>
    public bool TryRun(IReadOnlyList<string> words, Action<string> write)
    {
        if (words.Count == 0 || !Handles(words[0]))
        {
            return false;
        }

        string[] args = new string[words.Count - 1];
        for (int i = 1; i < words.Count; i++)
        {
            args[i - 1] = words[i];
        }

        string? usage = words[0] switch
        {
            "ls" => args.Length <= 1 ? List(args.Length == 0 ? _directory : Absolute(args[0]), write) : "ls [PATH]",
            "cat" => args.Length >= 1 ? Each(args, p => Cat(p, write)) : "cat FILE...",
            "cp" => args.Length == 2 ? Copy(args[0], args[1], write) : "cp FROM TO",
            "mv" => args.Length == 2 ? Report("mv", args[0], _files.Rename(Absolute(args[0]), Absolute(args[1])), write) : "mv FROM TO",
            "rm" => args.Length >= 1 ? Each(args, p => Remove(p, write)) : "rm PATH...",
            "mkdir" => args.Length >= 1 ? Each(args, p => Report("mkdir", p, _files.MakeDirectory(Absolute(p)), write)) : "mkdir PATH...",
            "rmdir" => args.Length >= 1 ? Each(args, p => Report("rmdir", p, _files.RemoveDirectory(Absolute(p)), write)) : "rmdir PATH...",
            "df" => args.Length <= 1 ? Space(args.Length == 0 ? "/" : Absolute(args[0]), write) : "df [PATH]",
            "mount" => args.Length == 0 ? Mounts(write) : "mount (lists what is mounted)",
            "sync" => args.Length == 0 ? Sync(write) : "sync",
            "state" => args.Length == 0 ? State(write) : "state (what the state keeper restored and saved)",
            "cd" => args.Length <= 1 ? ChangeDirectory(args.Length == 0 ? "/" : args[0], write) : "cd [PATH]",
            "pwd" => Echo(_directory, write),
            _ => Echo(string.Join(' ', args), write),
        };
        if (usage != null)
        {
            write($"usage: {usage}\n");
        }

        return true;
    }

    private static string? Each(string[] paths, Action<string> action)
    {
        foreach (string p in paths)
        {
            action(p);
        }

        return null;
    }

    private static string? Echo(string text, Action<string> write)
    {
        write(text + "\n");
        return null;
    }

    private static string? Report(string command, string path, StorageStatus status, Action<string> write)
    {
        if (status != StorageStatus.Ok)
        {
            write(path.Length > 0 ? $"{command}: {path}: {FileClient.Describe(status)}\n" : $"{command}: {FileClient.Describe(status)}\n");
        }

        return null;
    }

    private string? List(string path, Action<string> write)
    {
        var entries = new List<FileEntry>();
        StorageStatus status = _files.Stat(path, out FileEntry self);
        if (status == StorageStatus.Ok && !self.IsDirectory)
        {
            write($"{self.Size,10}  {path}\n");
            return null;
        }

        status = status == StorageStatus.Ok ? _files.List(path, entries) : status;
        if (status != StorageStatus.Ok)
        {
            return Report("ls", path, status, write);
        }

        entries.Sort((a, b) => StringComparer.OrdinalIgnoreCase.Compare(a.Name, b.Name));
        var text = new StringBuilder();
        foreach (FileEntry e in entries)
        {
            text.Append(e.IsDirectory ? "     <dir>" : $"{e.Size,10}").Append("  ").Append(e.Name).Append(e.IsDirectory ? "/\n" : "\n");
        }

        write(text.ToString());
        return null;
    }

    private void Cat(string path, Action<string> write)
    {
        StorageStatus status = _files.Open(Absolute(path), FileProtocol.OpenFlags.Read, out int fd);
        if (status != StorageStatus.Ok)
        {
            Report("cat", path, status, write);
            return;
        }

        byte[] buffer = new byte[CopyChunk];
        var decoder = Encoding.UTF8.GetDecoder();
        char[] chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while ((status = _files.Read(fd, buffer, out int read)) == StorageStatus.Ok && read > 0)
        {
            int n = decoder.GetChars(buffer, 0, read, chars, 0);
            write(new string(chars, 0, n));
        }

        Report("cat", path, status, write);
        _ = _files.Close(fd);
    }

    private string? Copy(string from, string to, Action<string> write)
    {
        string target = Absolute(to);
        if (_files.Stat(target, out FileEntry existing) == StorageStatus.Ok && existing.IsDirectory)
        {
            int slash = from.LastIndexOf('/');
            target = (target.EndsWith('/') ? target : target + "/") + from[(slash + 1)..];
        }

        StorageStatus status = _files.Open(Absolute(from), FileProtocol.OpenFlags.Read, out int source);
        if (status != StorageStatus.Ok)
        {
            return Report("cp", from, status, write);
        }

        status = _files.Open(target, FileProtocol.OpenFlags.Write | FileProtocol.OpenFlags.Create | FileProtocol.OpenFlags.Truncate, out int destination);
        if (status != StorageStatus.Ok)
        {
            _ = _files.Close(source);
            return Report("cp", to, status, write);
        }

        byte[] buffer = new byte[CopyChunk];
        while ((status = _files.Read(source, buffer, out int read)) == StorageStatus.Ok && read > 0)
        {
            status = _files.Write(destination, buffer.AsSpan(0, read), out _);
            if (status != StorageStatus.Ok)
            {
                Report("cp", to, status, write);
                break;
            }
        }

        Report("cp", from, status, write);
        _ = _files.Close(source);
        _ = _files.Close(destination);
        return null;
    }

    private void Remove(string path, Action<string> write)
    {
        string absolute = Absolute(path);
        StorageStatus status = _files.Stat(absolute, out FileEntry entry);
        if (status == StorageStatus.Ok)
        {
            status = entry.IsDirectory ? _files.RemoveDirectory(absolute) : _files.Delete(absolute);
        }

        Report("rm", path, status, write);
    }

    private string? Space(string path, Action<string> write)
    {
        StorageStatus status = _files.Space(path, out ulong total, out ulong free);
        if (status != StorageStatus.Ok)
        {
            return Report("df", path, status, write);
        }

        write($"{"size",12} {"used",12} {"free",12}  mounted on\n{total / 1024,10} K {(total - free) / 1024,10} K {free / 1024,10} K  {path}\n");
        return null;
    }

    private string? Mounts(Action<string> write)
    {
        StorageStatus status = _files.Mounts(out string text);
        if (status != StorageStatus.Ok)
        {
            return Report("mount", "", status, write);
        }

        write(text.StartsWith("disk cache", StringComparison.Ordinal) ? "nothing is mounted\n" + text : text);
        return null;
    }

    private string? Sync(Action<string> write)
    {
        var request = new Message { Label = StateProtocol.Save };
        SyscallStatus called = Ipc.Call(StateSlot, ref request);
        StorageStatus kept = called != SyscallStatus.Ok ? StorageStatus.IoError : (StorageStatus)request.Label;
        if (kept != StorageStatus.Ok && kept != StorageStatus.NotFound)
        {
            write($"sync: the system's state was not saved: {FileClient.Describe(kept)}\n");
        }

        return Report("sync", "", _files.Sync(), write);
    }

    private static string? State(Action<string> write)
    {
        byte[] text = new byte[8192];
        var request = new Message { Label = StateProtocol.Report };
        SyscallStatus called = Ipc.CallGranting(StateSlot, ref request, text, GrantAccess.Write);
        if (called != SyscallStatus.Ok || request.Label != 0)
        {
            write($"state: the state keeper did not answer (status {(called != SyscallStatus.Ok ? (int)called : (int)request.Label)})\n");
            return null;
        }

        write(Encoding.UTF8.GetString(text, 0, (int)Math.Min(request.W0, (ulong)text.Length)));
        return null;
    }

    private string? ChangeDirectory(string path, Action<string> write)
    {
        string absolute = Absolute(path);
        StorageStatus status = _files.Stat(absolute, out FileEntry entry);
        if (status == StorageStatus.Ok && !entry.IsDirectory)
        {
            status = StorageStatus.NotADirectory;
        }

        if (status != StorageStatus.Ok)
        {
            return Report("cd", path, status, write);
        }

        _directory = Normalize(absolute);
        return null;
    }

    // "/a/./b/../c/" is "/a/c": the directory the shell keeps is always in this form.
    private static string Normalize(string path)
    {
        var parts = new List<string>();
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }
}
