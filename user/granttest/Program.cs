using NexOS.Abi;
using NexOS.UserLib;

namespace NexOS.Programs.GrantTest;

/// <summary>The requests the server half understands (the label's low bits).</summary>
internal enum Request : ulong
{
    Sum = 1,
    Fill = 2,
    Try = 3,
    Quit = 4,
    Badge = 5,
}

/// <summary>The copies <see cref="Request.Try"/> attempts.</summary>
internal enum Probe : ulong
{
    ReadAt = 1,
    WriteAt = 2,
    ReadIntoKernel = 3,
    ReadTooLong = 4,
    ReadIntoFresh = 5,
}

/// <summary>The bytes both halves agree on.</summary>
internal static class Pattern
{
    public static byte At(int index) => (byte)((index * 7) + (index >> 8));

    public static ulong Sum(int length)
    {
        ulong sum = 0;
        for (int i = 0; i < length; i++)
        {
            sum += At(i);
        }

        return sum;
    }
}

/// <summary>
/// Checks IPC buffer grants between two processes (docs/syscalls.md, IpcGrantRead and
/// IpcGrantWrite): `granttest` starts `granttest serve` on an endpoint of its own, moves data
/// both ways through granted buffers of several sizes (untouched memory included), and makes
/// every hostile or mistaken grant it can think of, each of which must fail with its
/// documented status while the pair carries on. It prints one line per failed check, then
/// `granttest: N checks, N failed` and the copy rate, and exits with the failures' count.
/// </summary>
public static unsafe class Program
{
    private const ulong SendRight = 1, ReceiveRight = 2, GrantRight = 4;

    private static int s_checks;
    private static int s_failed;

    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve")
        {
            return Server.Run();
        }

        long endpoint = Ipc.CreateEndpoint();
        long receive = endpoint < 0 ? endpoint : Children.Copy((int)endpoint, ReceiveRight);
        long server = receive < 0 ? receive : Children.Spawn("granttest serve", stackalloc ulong[] { (ulong)receive });
        if (server < 0)
        {
            Log.WriteLine($"granttest: cannot start the server (status {-server})");
            return 1;
        }

        _ = Children.Close((int)receive);
        int slot = (int)endpoint;
        DataMovesBothWays(slot);
        HostileCallsAreRefused(slot);
        HostileCopiesAreRefused(slot);
        BadgesAreMintedOnce(slot);
        Rate(slot);

        var quit = new Message { Label = (ulong)Request.Quit };
        _ = Ipc.Call(slot, ref quit);
        Check("the server ends with 0", Children.Wait((int)server) == 0);
        Log.WriteLine($"granttest: {s_checks} checks, {s_failed} failed");
        return s_failed;
    }

    private static void DataMovesBothWays(int endpoint)
    {
        foreach (int length in new[] { 1, 511, 512, 513, 4096, 10_000, (int)UserAbi.MaxGrantLength })
        {
            byte[] data = new byte[length];
            for (int i = 0; i < length; i++)
            {
                data[i] = Pattern.At(i);
            }

            var sum = new Message { Label = (ulong)Request.Sum };
            SyscallStatus status = Ipc.CallGranting(endpoint, ref sum, data, GrantAccess.Read);
            Check($"a {length}-byte read grant is summed", status == SyscallStatus.Ok && sum.Label == 0 && sum.W0 == Pattern.Sum(length));

            byte[] into = new byte[length];
            var fill = new Message { Label = (ulong)Request.Fill, W0 = (ulong)length };
            status = Ipc.CallGranting(endpoint, ref fill, into, GrantAccess.Write);
            Check($"a {length}-byte write grant is filled", status == SyscallStatus.Ok && fill.Label == 0 && Matches(into, length));
        }

        // A buffer reserved and never touched gets its pages on demand, on both sides.
        const ulong fresh = 3 * 4096;
        if (Memory.Map(0, fresh, Protection.Read | Protection.Write, out ulong address) == SyscallStatus.Ok)
        {
            var span = new Span<byte>((void*)address, (int)fresh);
            var fill = new Message { Label = (ulong)Request.Fill, W0 = fresh };
            SyscallStatus status = Ipc.CallGranting(endpoint, ref fill, span, GrantAccess.Write);
            Check("an untouched buffer is filled", status == SyscallStatus.Ok && fill.Label == 0 && Matches(span, (int)fresh));
            var probe = new Message { Label = (ulong)Request.Try, W0 = (ulong)Probe.ReadIntoFresh, W1 = fresh };
            status = Ipc.CallGranting(endpoint, ref probe, span, GrantAccess.Read);
            Check("the server reads into untouched memory of its own", status == SyscallStatus.Ok && probe.Label == 0);
            _ = Memory.Unmap(address, fresh);
        }
        else
        {
            Check("MemoryMap for the untouched buffer", false);
        }
    }

    /// <summary>Grants the kernel refuses at the call, before any server sees them.</summary>
    private static void HostileCallsAreRefused(int endpoint)
    {
        byte[] buffer = new byte[64];
        ulong label = (ulong)Request.Sum | UserAbi.GrantFlag;
        fixed (byte* b = buffer)
        {
            ulong address = (ulong)b;
            Expect("a grant of length 0", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.IpcCall, (ulong)endpoint, label, 0, 0, address, 1UL << 32));
            Expect("a grant of 256 KiB + 1", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.IpcCall, (ulong)endpoint, label, 0, 0, address, (UserAbi.MaxGrantLength + 1UL) | (1UL << 32)));
            Expect("a grant without rights", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.IpcCall, (ulong)endpoint, label, 0, 0, address, 64));
            Expect("a grant with unknown rights", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.IpcCall, (ulong)endpoint, label, 0, 0, address, 64 | (4UL << 32)));
            Expect("a grant of kernel memory", SyscallStatus.BadAddress, Syscalls.Invoke(Syscall.IpcCall, (ulong)endpoint, label, 0, 0, 0xFFFF_8000_0000_1000, 64 | (1UL << 32)));
            Expect("a grant of page 0", SyscallStatus.BadAddress, Syscalls.Invoke(Syscall.IpcCall, (ulong)endpoint, label, 0, 0, 0x1000, 64 | (1UL << 32)));
            Expect("a grant across the top of user memory", SyscallStatus.BadAddress, Syscalls.Invoke(Syscall.IpcCall, (ulong)endpoint, label, 0, 0, UserAbi.UserTop - 32, 64 | (1UL << 32)));
            Expect("a send that grants", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.IpcSend, (ulong)endpoint, label, 0, 0, address, 64 | (1UL << 32)));
            Expect("a reply that grants, with no call served", SyscallStatus.BadArgument, Syscalls.Invoke(Syscall.IpcReply, 0, label, 0, 0, address, 64 | (1UL << 32)));
        }

        long sendOnly = Children.Copy(endpoint, SendRight);
        if (sendOnly > 0)
        {
            var sum = new Message { Label = (ulong)Request.Sum };
            Expect("a grant through a capability without the Grant right", SyscallStatus.NoRights,
                -(long)Ipc.CallGranting((int)sendOnly, ref sum, buffer, GrantAccess.Read));
            _ = Children.Close((int)sendOnly);
        }

        long granting = Children.Copy(endpoint, SendRight | GrantRight);
        var ok = new Message { Label = (ulong)Request.Sum };
        Check("a copy with Send and Grant may grant", granting > 0 && Ipc.CallGranting((int)granting, ref ok, buffer, GrantAccess.Read) == SyscallStatus.Ok);
        _ = Children.Close((int)granting);

        Expect("a grant copy while serving no call", SyscallStatus.BadCapability, Syscalls.Invoke(Syscall.IpcGrantRead, 0, 0, 0));
    }

    /// <summary>CapabilityCopy's badge: minted on an unbadged capability, kept by later copies,
    /// never replaced, and what the server sees on each call.</summary>
    private static void BadgesAreMintedOnce(int endpoint)
    {
        Check("the unbadged capability calls with badge 0", BadgeSeen(endpoint) == 0);
        long minted = Children.Copy(endpoint, SendRight, 0x5EED);
        Check($"a badge is minted (got {minted})", minted > 0 && BadgeSeen((int)minted) == 0x5EED);
        long kept = minted > 0 ? Children.Copy((int)minted, SendRight) : -1;
        Check("a copy of a badged capability keeps its badge", kept > 0 && BadgeSeen((int)kept) == 0x5EED);
        long same = minted > 0 ? Children.Copy((int)minted, SendRight, 0x5EED) : -1;
        Check("naming the same badge again is a plain copy", same > 0 && BadgeSeen((int)same) == 0x5EED);
        Expect("a badged capability cannot be given another badge", SyscallStatus.NoRights, minted > 0 ? Children.Copy((int)minted, SendRight, 0xBAD) : 0);
        foreach (long slot in new[] { minted, kept, same })
        {
            if (slot > 0)
            {
                _ = Children.Close((int)slot);
            }
        }
    }

    private static ulong BadgeSeen(int endpoint)
    {
        var m = new Message { Label = (ulong)Request.Badge };
        return Ipc.Call(endpoint, ref m) == SyscallStatus.Ok ? m.W0 : ulong.MaxValue;
    }

    /// <summary>Copies the server attempts that must fail, each answered with its status.</summary>
    private static void HostileCopiesAreRefused(int endpoint)
    {
        byte[] buffer = new byte[100];
        ExpectProbe(endpoint, "writing a read grant", Probe.WriteAt, 0, buffer, GrantAccess.Read, SyscallStatus.NoRights);
        ExpectProbe(endpoint, "reading a write grant", Probe.ReadAt, 0, buffer, GrantAccess.Write, SyscallStatus.NoRights);
        ExpectProbe(endpoint, "reading past the grant's end", Probe.ReadAt, 90, buffer, GrantAccess.Read, SyscallStatus.BadArgument);
        ExpectProbe(endpoint, "an offset far past the end", Probe.ReadAt, ulong.MaxValue - 4, buffer, GrantAccess.Read, SyscallStatus.BadArgument);
        ExpectProbe(endpoint, "reading into kernel memory", Probe.ReadIntoKernel, 0, buffer, GrantAccess.Read, SyscallStatus.BadAddress);
        ExpectProbe(endpoint, "a copy of more than 256 KiB", Probe.ReadTooLong, 0, buffer, GrantAccess.Read, SyscallStatus.BadArgument);
        ExpectProbe(endpoint, "reading the last 16 bytes", Probe.ReadAt, 84, buffer, GrantAccess.Read, SyscallStatus.Ok);

        // The caller's own lie: a write grant of memory it may only read.
        if (Memory.Map(0, 4096, Protection.Read, out ulong readOnly) == SyscallStatus.Ok)
        {
            ExpectProbe(endpoint, "writing a read-only page the caller granted for writing", Probe.WriteAt, 0,
                new Span<byte>((void*)readOnly, 4096), GrantAccess.Write, SyscallStatus.BadGrant);
            _ = Memory.Unmap(readOnly, 4096);
        }

        // And a grant of memory it does not have at all (reserved, then given back).
        if (Memory.Map(0, 4096, Protection.Read | Protection.Write, out ulong gone) == SyscallStatus.Ok)
        {
            _ = Memory.Unmap(gone, 4096);
            ExpectProbe(endpoint, "reading a page the caller does not have", Probe.ReadAt, 0,
                new Span<byte>((void*)gone, 4096), GrantAccess.Read, SyscallStatus.BadGrant);
        }
    }

    /// <summary>Fills 64 KiB grants for a while and prints the rate (a figure, not a check).</summary>
    private static void Rate(int endpoint)
    {
        byte[] into = new byte[64 * 1024];
        const int rounds = 64;
        ulong start = Time.MonotonicNs;
        for (int i = 0; i < rounds; i++)
        {
            var fill = new Message { Label = (ulong)Request.Fill, W0 = (ulong)into.Length };
            if (Ipc.CallGranting(endpoint, ref fill, into, GrantAccess.Write) != SyscallStatus.Ok)
            {
                Check("the rate run's calls", false);
                return;
            }
        }

        ulong took = Math.Max(1, Time.MonotonicNs - start);
        ulong bytes = (ulong)rounds * (ulong)into.Length;
        Log.WriteLine($"granttest: {bytes} bytes through 64 KiB write grants in {took / 1000} us ({bytes * 1000 / took} MB/s)");
    }

    private static void ExpectProbe(int endpoint, string what, Probe probe, ulong argument, Span<byte> buffer, GrantAccess access, SyscallStatus expected)
    {
        var call = new Message { Label = (ulong)Request.Try, W0 = (ulong)probe, W1 = argument };
        SyscallStatus status = Ipc.CallGranting(endpoint, ref call, buffer, access);
        Check($"{what}: the call went through (status {(int)status})", status == SyscallStatus.Ok);
        Check($"{what}: status {(int)call.Label}, expected {(int)expected}", call.Label == (ulong)expected);
    }

    private static void Expect(string what, SyscallStatus expected, long result) =>
        Check($"{what}: got {result}, expected -{(int)expected}", result == -(long)expected);

    private static bool Matches(ReadOnlySpan<byte> bytes, int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (bytes[i] != Pattern.At(i))
            {
                return false;
            }
        }

        return true;
    }

    private static void Check(string what, bool passed)
    {
        s_checks++;
        if (!passed)
        {
            s_failed++;
            Log.WriteLine($"granttest: FAILED {what}");
        }
    }
}
