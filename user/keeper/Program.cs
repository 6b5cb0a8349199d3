using System.Text;
using NexOS.Abi;
using NexOS.Storage;
using NexOS.UserLib;

namespace NexOS.Programs.Keeper;

/// <summary>
/// The state keeper (docs/services.md): it keeps the kernel's state that outlives a boot (the
/// audit trail, what the engine learned, the trusted keys, the settings, the active patches
/// from outside) in /nexos/state on
/// the disk. At start it hands each file back to the kernel, which checks it and adopts it
/// only when the check passes (StateRestore); it reports every outcome on the log, and moves
/// a refused audit trail aside as audit.log.rejected so the evidence is not overwritten.
/// Then it stores the state whenever the kernel's state version changes (looking every
/// <see cref="PollNs"/>), and at once on a Save request (the shell's `sync`). Slots: 1 the
/// KernelState capability, 2 the file-system service, 3 the receive side of `state`.
/// </summary>
public static class Program
{
    private const int StateSlot = 1;
    private const int FilesSlot = 2;
    private const int EndpointSlot = 3;
    private const ulong PollNs = 2_000_000_000;
    private const string Directory = "/nexos/state";

    private static readonly (StateKind Kind, string File)[] s_files =
    {
        (StateKind.Settings, "settings.txt"),
        (StateKind.Keys, "keys.txt"),
        (StateKind.Patches, "patches.txt"),
        (StateKind.Audit, "audit.log"),
        (StateKind.Learned, "learned.txt"),
    };

    private static readonly StringBuilder s_report = new();

    public static int Main()
    {
        var files = new FileClient(FilesSlot);
        var store = new StateFiles(files, Directory);
        bool disk = store.Prepare(out string why);
        Note(disk ? $"keeper: state is kept in {Directory}" : $"keeper: {why}; the audit trail, learned state, keys, settings and patches from outside will not outlive this boot");
        if (disk)
        {
            Restore(store);
        }

        var saved = new Dictionary<StateKind, string>();
        long version = -1;
        while (true)
        {
            SyscallStatus status = Ipc.Receive(EndpointSlot, out Message request, out _, PollNs);
            if (status == SyscallStatus.TimedOut)
            {
                long now = KernelStateCalls.Version(StateSlot);
                if (disk && now != version)
                {
                    version = now;
                    _ = Save(store, saved, sync: true);
                }

                continue;
            }

            if (status != SyscallStatus.Ok)
            {
                Log.WriteLine($"keeper: receive failed (status {(int)status})");
                return 1;
            }

            Message answer = (request.Label & ~UserAbi.GrantFlag) switch
            {
                StateProtocol.Save => new Message { Label = (ulong)(disk ? Save(store, saved, sync: true) : StorageStatus.NotFound) },
                StateProtocol.Report => Report(Ipc.GrantedLength(in request)),
                _ => new Message { Label = (ulong)StorageStatus.BadArgument },
            };
            _ = Ipc.Reply(in answer);
        }
    }

    private static void Restore(StateFiles store)
    {
        foreach ((StateKind kind, string file) in s_files)
        {
            byte[]? text = store.Read(file, out StorageStatus read);
            if (text == null)
            {
                Note(read == StorageStatus.NotFound ? $"keeper: no {file} yet" : $"keeper: {file} could not be read ({FileClient.Describe(read)})");
                continue;
            }

            bool adopted = KernelStateCalls.Restore(StateSlot, kind, text, out string report);
            Note($"keeper: {report}");
            if (!adopted && kind == StateKind.Audit)
            {
                StorageStatus moved = store.SetAside(file, file + ".rejected");
                Note(moved == StorageStatus.Ok
                    ? $"keeper: the refused trail is kept as {Directory}/{file}.rejected; a new one starts"
                    : $"keeper: the refused trail could not be set aside ({FileClient.Describe(moved)})");
            }
        }
    }

    // Writes each kind whose text changed since it was last written; the first failure's status.
    private static StorageStatus Save(StateFiles store, Dictionary<StateKind, string> saved, bool sync)
    {
        StorageStatus result = StorageStatus.Ok;
        foreach ((StateKind kind, string file) in s_files)
        {
            string? text = KernelStateCalls.Read(StateSlot, kind, out SyscallStatus read);
            if (text == null)
            {
                Log.WriteLine($"keeper: the kernel did not give its {file} state (status {(int)read})");
                continue;
            }

            if (saved.TryGetValue(kind, out string? before) && before == text)
            {
                continue;
            }

            StorageStatus written = store.Write(file, Encoding.UTF8.GetBytes(text));
            if (written == StorageStatus.Ok)
            {
                bool first = !saved.ContainsKey(kind);
                saved[kind] = text;
                if (first)
                {
                    Note($"keeper: {file} saved");
                }
            }
            else
            {
                Log.WriteLine($"keeper: {file} could not be written ({FileClient.Describe(written)})");
                result = result == StorageStatus.Ok ? written : result;
            }
        }

        StorageStatus synced = sync ? store.Sync() : StorageStatus.Ok;
        return result == StorageStatus.Ok ? synced : result;
    }

    private static Message Report(int capacity)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(s_report.ToString());
        int n = Math.Min(bytes.Length, capacity);
        return n == 0 || Ipc.WriteGrant(0, bytes.AsSpan(0, n)) == SyscallStatus.Ok
            ? new Message { W0 = (ulong)n }
            : new Message { Label = (ulong)StorageStatus.BadArgument };
    }

    private static void Note(string line)
    {
        Log.WriteLine(line);
        if (s_report.Length < 8192)
        {
            s_report.Append(line).Append('\n');
        }
    }
}
