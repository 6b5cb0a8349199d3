using NexOS.Abi;
using NexOS.Storage;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// Runs a program from the disk: a line whose first word is a path (`/bin/hello a b`,
/// `./tool`, `tools/x &`). The shell reads the ELF file through the file-system service and
/// starts it with ProcessSpawnImage; the kernel checks and loads it as it does a boot-archive
/// program. The program gets, in slot 1, the file-system service and, in slot 2, the network
/// service, each under a badge of its own, so its open files and sockets are its own; the shell
/// closes what it left open when it ends. Without `&`
/// the shell waits for it and reports its exit code. `diskbench` starts the boot archive's
/// storage benchmark (user/diskbench) the same way, handing it the disk driver's endpoint too:
/// the one program the shell lets at the raw disk, which writes only outside the first
/// partition. `netbench` starts the network benchmark's guest side (user/netbench) with the
/// network service under a badge of its own.
/// </summary>
internal sealed class DiskPrograms
{
    private const int MaxImage = 16 << 20;
    private const int FilesSlot = 4;
    private const int DiskSlot = 6;
    private const int NetSlot = 7;

    private readonly FileCommands _files;
    private readonly List<(int Slot, ulong Badge, int Files)> _background = new();
    // The file-system badges of programs the shell starts: above those the manifest gives
    // services (the keeper's is 1), so no program shares a service's open files.
    private ulong _nextBadge = 1UL << 32;

    public DiskPrograms(FileCommands files) => _files = files;

    /// <summary>True when the line names a program by path.</summary>
    public static bool Handles(IReadOnlyList<string> words) => words.Count > 0 && words[0].Contains('/');

    /// <summary>Runs the program the line names; false, writing nothing, when it names none.</summary>
    public bool TryRun(IReadOnlyList<string> words, Action<string> write)
    {
        Collect();
        if (words.Count == 1 && words[0] == "netbench")
        {
            NetBench(write);
            return true;
        }

        if (words.Count == 1 && words[0] == "diskbench")
        {
            Bench(write);
            return true;
        }

        if (!Handles(words))
        {
            return false;
        }

        bool background = words[^1] == "&";
        int count = background ? words.Count - 1 : words.Count;
        string path = _files.Absolute(words[0]);
        byte[]? image = Read(path, write);
        if (image == null)
        {
            return true;
        }

        var command = new List<string> { path };
        for (int i = 1; i < count; i++)
        {
            command.Add(words[i]);
        }

        ulong badge = _nextBadge++;
        long files = Children.Copy(FilesSlot, (ulong)(CapabilityRights.Send | CapabilityRights.Grant), badge);
        long net = files < 0 ? files : Children.Copy(NetSlot, (ulong)(CapabilityRights.Send | CapabilityRights.Grant), badge);
        long child = net < 0 ? net : Children.SpawnImage(image, string.Join(' ', command), new[] { (ulong)files, (ulong)net });
        if (net >= 0)
        {
            _ = Children.Close((int)net);
        }

        if (child < 0)
        {
            write($"{words[0]}: cannot start it ({Describe((SyscallStatus)(-child))})\n");
            Release(files, badge);
            return true;
        }

        if (background)
        {
            write($"started process {Children.ProcessId((int)child)} ({words[0]})\n");
            _background.Add(((int)child, badge, (int)files));
            return true;
        }

        long id = Children.ProcessId((int)child);
        long code = Children.Wait((int)child);
        _ = Children.Close((int)child);
        Release(files, badge);
        string name = path[(path.LastIndexOf('/') + 1)..];
        write(code >= 0 ? $"process {id} ({name}) exited with code {(int)code}\n" : $"process {id} ({name}): waiting failed (status {-code})\n");
        return true;
    }

    private void Bench(Action<string> write)
    {
        ulong badge = _nextBadge++;
        long files = Children.Copy(FilesSlot, (ulong)(CapabilityRights.Send | CapabilityRights.Grant), badge);
        long disk = files < 0 ? files : Children.Copy(DiskSlot, (ulong)(CapabilityRights.Send | CapabilityRights.Grant));
        long child = disk < 0 ? disk : Children.Spawn("diskbench", stackalloc ulong[] { (ulong)disk, (ulong)files });
        if (disk >= 0)
        {
            _ = Children.Close((int)disk);
        }

        if (child < 0)
        {
            write($"diskbench: cannot start it ({Describe((SyscallStatus)(-child))})\n");
            Release(files, badge);
            return;
        }

        long code = Children.Wait((int)child);
        _ = Children.Close((int)child);
        Release(files, badge);
        write(code >= 0 ? $"diskbench exited with code {(int)code}\n" : $"diskbench: waiting failed (status {-code})\n");
    }

    // The network benchmark's guest side (user/netbench, docs/benchmarks.md): the boot archive's
    // program with its own badges on the file and network services; it serves until killed.
    private void NetBench(Action<string> write)
    {
        ulong badge = _nextBadge++;
        long files = Children.Copy(FilesSlot, (ulong)(CapabilityRights.Send | CapabilityRights.Grant), badge);
        long net = files < 0 ? files : Children.Copy(NetSlot, (ulong)(CapabilityRights.Send | CapabilityRights.Grant), badge);
        long child = net < 0 ? net : Children.Spawn("netbench", stackalloc ulong[] { (ulong)files, (ulong)net });
        if (net >= 0)
        {
            _ = Children.Close((int)net);
        }

        if (child < 0)
        {
            write($"netbench: cannot start it ({Describe((SyscallStatus)(-child))})\n");
            Release(files, badge);
            return;
        }

        long code = Children.Wait((int)child);
        _ = Children.Close((int)child);
        Release(files, badge);
        write(code >= 0 ? $"netbench exited with code {(int)code}\n" : $"netbench: waiting failed (status {-code})\n");
    }

    private byte[]? Read(string path, Action<string> write)
    {
        StorageStatus status = _files.Files.Stat(path, out FileEntry entry);
        if (status == StorageStatus.Ok && (entry.IsDirectory || entry.Size > MaxImage || entry.Size == 0))
        {
            status = entry.IsDirectory ? StorageStatus.IsADirectory : StorageStatus.TooLarge;
        }

        int fd = -1;
        if (status == StorageStatus.Ok)
        {
            status = _files.Files.Open(path, FileProtocol.OpenFlags.Read, out fd);
        }

        byte[] image = new byte[status == StorageStatus.Ok ? entry.Size : 0];
        if (status == StorageStatus.Ok)
        {
            status = _files.Files.Read(fd, image, out int read);
            status = status == StorageStatus.Ok && read != image.Length ? StorageStatus.IoError : status;
            _ = _files.Files.Close(fd);
        }

        if (status != StorageStatus.Ok)
        {
            write($"{path}: {(status == StorageStatus.TooLarge ? "empty, or larger than 16 MiB" : FileClient.Describe(status))}\n");
            return null;
        }

        return image;
    }

    // Programs started with & that have ended: their files are closed and their slots freed.
    private void Collect()
    {
        for (int i = _background.Count - 1; i >= 0; i--)
        {
            (int slot, ulong badge, int files) = _background[i];
            if (Children.Wait(slot, 1) >= 0)
            {
                _ = Children.Close(slot);
                Release(files, badge);
                _background.RemoveAt(i);
            }
        }
    }

    private void Release(long files, ulong badge)
    {
        if (files >= 0)
        {
            _ = Children.Close((int)files);
        }

        _ = _files.Files.Forget(badge);
        var forget = new Message { Label = NetProtocol.Forget, W0 = badge };
        _ = Ipc.Call(NetSlot, ref forget);
    }

    private static string Describe(SyscallStatus status) => status switch
    {
        SyscallStatus.BadExecutable => "not a NexOS program (an x86-64 ELF executable)",
        SyscallStatus.OutOfMemory => "out of memory",
        SyscallStatus.LimitReached => "too many processes or capabilities",
        SyscallStatus.BadArgument => "too many arguments or too long a line",
        _ => $"status {(int)status}",
    };
}
