using System.Text;
using NexOS.Abi;
using NexOS.Core.Boot;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Processes;

namespace NexOS.Kernel.Syscalls;

/// <summary>
/// Reading files of the boot archive (the service manifest, configuration) until a file
/// system exists. Needs a BootFiles capability; init has one.
/// </summary>
internal static class SyscallBootFiles
{
    /// <summary>The longest file name.</summary>
    public const int MaxName = 128;

    /// <summary>The kernel object a BootFiles capability names.</summary>
    public static KernelObjectHandle Handle { get; } = new((uint)CapabilityKind.BootFiles, typeof(SyscallBootFiles));

    public static long Read(Process process, KernelThread me, ulong slot, ulong name, ulong nameLength, ulong buffer, ulong bufferLength)
    {
        if (SyscallCapabilities.Find<object>(me, slot, IpcRights.Wait, CapabilityKind.BootFiles, out long refused) == null)
        {
            return refused;
        }

        if (nameLength == 0 || nameLength > MaxName || bufferLength > UserMemory.MaxCopy)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        Span<byte> nameBytes = stackalloc byte[(int)nameLength];
        if (UserCopy.In(process, name, nameBytes) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        CpioArchive? archive = Boot.BootPrograms.Archive.Archive;
        if (archive == null || !archive.TryFind(Encoding.UTF8.GetString(nameBytes), out CpioFile file))
        {
            return SyscallResult.Fail(SyscallStatus.NotFound);
        }

        int n = (int)Math.Min((ulong)file.Length, bufferLength);
        if (n > 0)
        {
            ReadOnlySpan<byte> bytes = Boot.BootModules.Programs.Slice(file.Offset, n);
            if (UserCopy.Out(process, buffer, bytes) != UserAccessStatus.Ok)
            {
                return SyscallResult.Fail(SyscallStatus.BadAddress);
            }
        }

        return file.Length;
    }
}
