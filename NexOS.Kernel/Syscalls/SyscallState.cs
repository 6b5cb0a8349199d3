using System.Text;
using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// The kernel state that outlives a boot (self-evolution's trusted base lives at the
/// composition root, above this layer, so the root passes it in with <see cref="SetState"/>).
/// </summary>
internal interface IKernelState
{
    /// <summary>A number that changes with every audited change.</summary>
    ulong Version { get; }

    /// <summary>The state of <paramref name="kind"/> as text, or null for an unknown kind.</summary>
    string? Read(StateKind kind);

    /// <summary>Checks <paramref name="text"/> and adopts it when the check passes; the line
    /// saying what happened in <paramref name="report"/>.</summary>
    bool Restore(StateKind kind, string text, out string report);
}

/// <summary>
/// StateRead, StateRestore and StateVersion (docs/syscalls.md): the state keeper's way to
/// store the audit trail, the learned state, the trusted keys, the settings and the active
/// patches from outside on the disk
/// and hand them back at boot. Each needs a KernelState capability with the Signal right;
/// the kernel gives one to init, which gives it to the keeper alone. One kind is for
/// observers rather than the keeper: StateRead of <see cref="StateKind.Dashboard"/>, the
/// running system's JSON snapshot, takes a capability with either the Wait or the Signal
/// right, so a read-only observer holds `kstate:wait`, which opens no other kind and no
/// StateRestore or StateVersion. StateRestore refuses the dashboard kind.
/// </summary>
internal static class SyscallState
{
    /// <summary>The most bytes of state one call moves either way.</summary>
    public const int MaxText = 1 << 20;

    /// <summary>Bytes of the report buffer StateRestore fills.</summary>
    public const int ReportBytes = 256;

    private static IKernelState? s_state;

    /// <summary>The kernel object a KernelState capability names.</summary>
    public static KernelObjectHandle Handle { get; } = new((uint)CapabilityKind.KernelState, typeof(SyscallState));

    /// <summary>Set by the composition root once self-evolution is up.</summary>
    public static void SetState(IKernelState state) => s_state = state;

    public static long Version(KernelThread me, ulong slot)
    {
        IKernelState? state = Find(me, slot, IpcRights.Signal, out long refused);
        return state == null ? refused : (long)(state.Version & long.MaxValue);
    }

    public static long Read(Process process, KernelThread me, ulong slot, ulong kind, ulong buffer, ulong length)
    {
        IKernelState? state = Find(me, slot, IpcRights.Signal, out long refused);
        if (state == null && kind == (ulong)StateKind.Dashboard && refused == SyscallResult.Fail(SyscallStatus.NoRights))
        {
            // Read only: Wait is enough (each lookup checks one capability as it stands).
            state = Find(me, slot, IpcRights.Wait, out refused);
        }

        if (state == null)
        {
            return refused;
        }

        // The length first: the dashboard's snapshot is composed afresh on every read.
        string? text = kind is >= (ulong)StateKind.Audit and <= (ulong)StateKind.Dashboard && length <= MaxText ? state.Read((StateKind)kind) : null;
        if (text == null)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if ((ulong)bytes.Length > length)
        {
            return SyscallResult.Fail(SyscallStatus.LimitReached);
        }

        return UserCopy.Out(process, buffer, bytes) == UserAccessStatus.Ok ? bytes.Length : SyscallResult.Fail(SyscallStatus.BadAddress);
    }

    public static long Restore(Process process, KernelThread me, ulong slot, ulong kind, ulong text, ulong length, ulong report)
    {
        IKernelState? state = Find(me, slot, IpcRights.Signal, out long refused);
        if (state == null)
        {
            return refused;
        }

        // The dashboard's snapshot (StateKind.Dashboard) is read only: never restored.
        if (kind is < (ulong)StateKind.Audit or > (ulong)StateKind.Patches || length > MaxText)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        byte[] bytes = new byte[(int)length];
        if (UserCopy.In(process, text, bytes) != UserAccessStatus.Ok
            || UserMemory.Check(process.Space, UserAbi.UserTop, report, ReportBytes, true) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        bool adopted = state.Restore((StateKind)kind, Encoding.UTF8.GetString(bytes), out string line);
        // The line, cut at a character so that it and its zero byte fit.
        int chars = line.Length;
        while (Encoding.UTF8.GetByteCount(line.AsSpan(0, chars)) > ReportBytes - 1)
        {
            chars--;
        }

        byte[] reply = new byte[ReportBytes];
        int n = Encoding.UTF8.GetBytes(line.AsSpan(0, chars), reply);
        reply[n] = 0;
        return UserCopy.Out(process, report, reply) != UserAccessStatus.Ok ? SyscallResult.Fail(SyscallStatus.BadAddress) : adopted ? 0 : 1;
    }

    private static IKernelState? Find(KernelThread me, ulong slot, IpcRights needed, out long refused)
    {
        if (SyscallCapabilities.Find<object>(me, slot, needed, CapabilityKind.KernelState, out refused) == null)
        {
            return null;
        }

        if (s_state == null)
        {
            refused = SyscallResult.Fail(SyscallStatus.NotImplemented);
        }

        return s_state;
    }
}
