using NexOS.Abi;
using NexOS.Storage;
using NexOS.UserLib;

namespace NexOS.Programs.Keeper;

/// <summary>
/// The state directory on the disk through the file-system service. A file is replaced by
/// writing NAME.new whole, then removing NAME and renaming NAME.new: a crash leaves either
/// the old file or the new one, and <see cref="Read"/> takes NAME.new when NAME is missing.
/// </summary>
internal sealed class StateFiles
{
    private const int MaxFile = KernelStateCalls.MaxText;

    private readonly FileClient _files;
    private readonly string _directory;

    public StateFiles(FileClient files, string directory)
    {
        _files = files;
        _directory = directory;
    }

    /// <summary>Makes the directory when missing; false with the reason when there is no
    /// disk to keep state on.</summary>
    public bool Prepare(out string why)
    {
        why = "";
        StorageStatus status = StorageStatus.Ok;
        string path = "";
        foreach (string part in _directory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            path += "/" + part;
            status = _files.MakeDirectory(path);
            status = status == StorageStatus.Exists ? StorageStatus.Ok : status;
            if (status != StorageStatus.Ok)
            {
                break;
            }
        }

        if (status != StorageStatus.Ok)
        {
            why = status == StorageStatus.NotFound ? "no disk is mounted" : $"{_directory} cannot be made ({FileClient.Describe(status)})";
        }

        return status == StorageStatus.Ok;
    }

    /// <summary>The whole file (or its .new copy when only that exists); null with the status otherwise.</summary>
    public byte[]? Read(string name, out StorageStatus status)
    {
        byte[]? bytes = ReadFile(Path(name), out status);
        return bytes == null && status == StorageStatus.NotFound ? ReadFile(Path(name + ".new"), out status) : bytes;
    }

    /// <summary>Replaces the file with <paramref name="bytes"/>.</summary>
    public StorageStatus Write(string name, ReadOnlySpan<byte> bytes)
    {
        string fresh = Path(name + ".new");
        StorageStatus status = _files.Open(fresh, FileProtocol.OpenFlags.Write | FileProtocol.OpenFlags.Create | FileProtocol.OpenFlags.Truncate, out int fd);
        if (status != StorageStatus.Ok)
        {
            return status;
        }

        status = _files.Write(fd, bytes, out _);
        StorageStatus closed = _files.Close(fd);
        status = status == StorageStatus.Ok ? closed : status;
        return status == StorageStatus.Ok ? SetAside(name + ".new", name) : status;
    }

    /// <summary>Renames <paramref name="from"/> to <paramref name="to"/>, replacing it.</summary>
    public StorageStatus SetAside(string from, string to)
    {
        StorageStatus removed = _files.Delete(Path(to));
        if (removed != StorageStatus.Ok && removed != StorageStatus.NotFound)
        {
            return removed;
        }

        return _files.Rename(Path(from), Path(to));
    }

    /// <summary>Everything written so far reaches the disk.</summary>
    public StorageStatus Sync() => _files.Sync();

    private string Path(string name) => _directory + "/" + name;

    private byte[]? ReadFile(string path, out StorageStatus status)
    {
        status = _files.Stat(path, out FileEntry entry);
        if (status != StorageStatus.Ok)
        {
            return null;
        }

        if (entry.IsDirectory || entry.Size > MaxFile)
        {
            status = entry.IsDirectory ? StorageStatus.IsADirectory : StorageStatus.TooLarge;
            return null;
        }

        status = _files.Open(path, FileProtocol.OpenFlags.Read, out int fd);
        if (status != StorageStatus.Ok)
        {
            return null;
        }

        byte[] bytes = new byte[entry.Size];
        status = _files.Read(fd, bytes, out int read);
        _ = _files.Close(fd);
        if (status == StorageStatus.Ok && read != bytes.Length)
        {
            status = StorageStatus.IoError;
        }

        return status == StorageStatus.Ok ? bytes : null;
    }
}
