using System.Text;
using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Threading;
using NexOS.Security.External;
using NexOS.Security.Patches;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// PatchSubmit: the door through which a patch that arrived from outside (the patch line on
/// COM2, served by a program in ring 3) reaches the kernel's patch manager. The transport
/// stays in user space; parsing, signature, security level, verification and canary are the
/// <see cref="IPatchSink"/>'s, the same for every delivery path. Needs a PatchInbox
/// capability with the Signal right; init hands one to the patch-line service.
/// </summary>
internal static class SyscallPatches
{
    /// <summary>The longest verdict copied back.</summary>
    public const int MaxVerdict = 1024;

    private static IPatchSink? s_sink;

    /// <summary>The kernel object a PatchInbox capability names.</summary>
    public static KernelObjectHandle Handle { get; } = new((uint)CapabilityKind.PatchInbox, typeof(SyscallPatches));

    /// <summary>Where submitted patches go; the composition root, once the patch manager is up.
    /// Until then PatchSubmit answers NotImplemented.</summary>
    public static void SetSink(IPatchSink sink) => s_sink = sink;

    /// <summary>Copies the patch in (at most <see cref="PatchLimits.MaxTotalBytes"/>), submits
    /// it, and copies the verdict out (cut to <paramref name="capacity"/>). Returns the
    /// verdict's length, plus 2^32 when accepted; or a negative status with nothing
    /// submitted (bad capability, bad length, bad address).</summary>
    public static long Submit(Process process, KernelThread me, ulong slot, ulong patch, ulong length, ulong verdict, ulong capacity)
    {
        if (SyscallCapabilities.Find<object>(me, slot, IpcRights.Signal, CapabilityKind.PatchInbox, out long refused) == null)
        {
            return refused;
        }

        if (length == 0 || length > PatchLimits.MaxTotalBytes || capacity > MaxVerdict)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        IPatchSink? sink = s_sink;
        if (sink == null)
        {
            return SyscallResult.Fail(SyscallStatus.NotImplemented);
        }

        byte[] bytes = new byte[length];
        if (UserCopy.In(process, patch, bytes) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        bool accepted = sink.Submit(bytes, out string text);
        byte[] answer = Encoding.UTF8.GetBytes(text);
        int n = (int)Math.Min((ulong)answer.Length, capacity);
        if (n > 0 && UserCopy.Out(process, verdict, answer.AsSpan(0, n)) != UserAccessStatus.Ok)
        {
            // The patch was judged already; the caller only loses the text.
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        return answer.Length + (accepted ? 1L << 32 : 0);
    }
}
