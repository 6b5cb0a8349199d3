using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.GrantTest;

/// <summary>
/// The server half (`granttest serve`, the endpoint's receive side in slot 1). It answers:
/// Sum (reads the whole grant in pieces and returns the sum of its bytes), Fill (writes W0
/// bytes of the pattern into the grant), Try (tries the grant copy W0 names with the arguments
/// in W1 and returns its status), Badge (returns the badge the call came with), Quit.
/// </summary>
internal static unsafe class Server
{
    private const int EndpointSlot = 1;

    public static int Run()
    {
        byte[] piece = new byte[4096];
        while (true)
        {
            if (Ipc.Receive(EndpointSlot, out Message call, out ulong badge) != SyscallStatus.Ok)
            {
                return 1;
            }

            var answer = default(Message);
            switch ((Request)(call.Label & ~UserAbi.GrantFlag))
            {
                case Request.Sum:
                    answer.W0 = Sum(Ipc.GrantedLength(in call), piece, out SyscallStatus sumStatus);
                    answer.Label = (ulong)sumStatus;
                    break;
                case Request.Fill:
                    answer.Label = (ulong)Fill((int)call.W0, piece);
                    break;
                case Request.Try:
                    answer.Label = (ulong)Try((Probe)call.W0, call.W1, piece);
                    break;
                case Request.Badge:
                    answer.W0 = badge;
                    break;
                case Request.Quit:
                    _ = Ipc.Reply(in answer);
                    return 0;
                default:
                    answer.Label = (ulong)SyscallStatus.BadArgument;
                    break;
            }

            if (Ipc.Reply(in answer) != SyscallStatus.Ok)
            {
                return 1;
            }
        }
    }

    private static ulong Sum(int length, byte[] piece, out SyscallStatus status)
    {
        ulong sum = 0;
        status = SyscallStatus.Ok;
        for (int offset = 0; offset < length && status == SyscallStatus.Ok; offset += piece.Length)
        {
            Span<byte> part = piece.AsSpan(0, Math.Min(piece.Length, length - offset));
            status = Ipc.ReadGrant((ulong)offset, part);
            foreach (byte b in part)
            {
                sum += b;
            }
        }

        return sum;
    }

    private static SyscallStatus Fill(int length, byte[] piece)
    {
        for (int offset = 0; offset < length; offset += piece.Length)
        {
            Span<byte> part = piece.AsSpan(0, Math.Min(piece.Length, length - offset));
            for (int i = 0; i < part.Length; i++)
            {
                part[i] = Pattern.At(offset + i);
            }

            SyscallStatus status = Ipc.WriteGrant((ulong)offset, part);
            if (status != SyscallStatus.Ok)
            {
                return status;
            }
        }

        return SyscallStatus.Ok;
    }

    /// <summary>One hostile or edge-case grant copy, made with raw arguments.</summary>
    private static SyscallStatus Try(Probe probe, ulong argument, byte[] piece)
    {
        fixed (byte* p = piece)
        {
            ulong mine = (ulong)p;
            long result = probe switch
            {
                Probe.ReadAt => Syscalls.Invoke(Syscall.IpcGrantRead, argument, mine, 16),
                Probe.WriteAt => Syscalls.Invoke(Syscall.IpcGrantWrite, argument, mine, 16),
                Probe.ReadIntoKernel => Syscalls.Invoke(Syscall.IpcGrantRead, 0, 0xFFFF_8000_0000_0000, 16),
                Probe.ReadTooLong => Syscalls.Invoke(Syscall.IpcGrantRead, 0, mine, UserAbi.MaxGrantLength + 1UL),
                Probe.ReadIntoFresh => ReadIntoFresh(argument),
                _ => -(long)SyscallStatus.BadArgument,
            };
            return Syscalls.StatusOf(result);
        }
    }

    /// <summary>Reads the grant into memory just reserved and never touched: the kernel gives
    /// its pages on demand, as the program's own touch would.</summary>
    private static long ReadIntoFresh(ulong length)
    {
        if (Memory.Map(0, length, Protection.Read | Protection.Write, out ulong fresh) != SyscallStatus.Ok)
        {
            return -(long)SyscallStatus.OutOfMemory;
        }

        long result = Syscalls.Invoke(Syscall.IpcGrantRead, 0, fresh, length);
        ulong sum = 0;
        var bytes = new ReadOnlySpan<byte>((void*)fresh, (int)length);
        foreach (byte b in bytes)
        {
            sum += b;
        }

        _ = Memory.Unmap(fresh, length);
        return result < 0 ? result : sum == Pattern.Sum((int)length) ? 0 : -(long)SyscallStatus.BadArgument;
    }
}
