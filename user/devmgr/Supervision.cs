using NexOS.Drivers.Pci;
using NexOS.UserLib;

namespace NexOS.Programs.DevMgr;

/// <summary>
/// The programs the manager started: each raises a bit of its own on one notification when
/// it ends, so the manager can look whenever no request came for a while and wait only for
/// children that have ended. A driver the manager started by itself (from the
/// <see cref="DriverTable"/>) is started again when it ends with a failure, at most
/// <see cref="MaxRestarts"/> times; its clients see their calls fail meanwhile.
/// </summary>
internal sealed class Supervision
{
    /// <summary>Restarts of one driver before the manager gives up on its device.</summary>
    public const int MaxRestarts = 3;

    private readonly List<PciFunction> _functions;
    private readonly Func<PciFunction, string, int, int, ulong, long> _launch;
    private readonly List<Child> _children = new();
    private readonly int _exits;
    private int[] _diskSlots = [];
    private int _nicSlot;

    /// <summary>Takes the functions found and how to start a program for one:
    /// (function, command, served endpoint slot or 0, exit notification, exit bit) gives the
    /// process capability's slot or a negated status.</summary>
    public Supervision(List<PciFunction> functions, Func<PciFunction, string, int, int, ulong, long> launch)
    {
        _functions = functions;
        _launch = launch;
        _exits = (int)Ipc.CreateNotification();
    }

    /// <summary>Disk drivers that said they serve their endpoint and still run.</summary>
    public int DisksReady => Count(ready: true, out _);

    /// <summary>Disk drivers started (or started again) that have not said so yet.</summary>
    public int DisksStarting => Count(ready: false, out _);

    /// <summary>The disk endpoints (bit i: the i-th of the slots given to
    /// <see cref="StartDrivers"/>) whose drivers are ready.</summary>
    public ulong ReadyDiskMask
    {
        get
        {
            _ = Count(ready: true, out ulong mask);
            return mask;
        }
    }

    /// <summary>The disk endpoints whose drivers are starting.</summary>
    public ulong StartingDiskMask
    {
        get
        {
            _ = Count(ready: false, out ulong mask);
            return mask;
        }
    }

    /// <summary>The driver for the function at <paramref name="address"/> serves its
    /// endpoint now; NotFound when no program runs for it.</summary>
    public NexOS.Abi.SyscallStatus MarkReady(ulong address)
    {
        foreach (Child c in _children)
        {
            if (Resources.AddressOf(c.Function) == address)
            {
                c.Ready = true;
                return NexOS.Abi.SyscallStatus.Ok;
            }
        }

        return NexOS.Abi.SyscallStatus.NotFound;
    }

    private int Count(bool ready, out ulong mask)
    {
        int n = 0;
        mask = 0;
        foreach (Child c in _children)
        {
            if (c.Served != 0 && c.Ready == ready && Array.IndexOf(_diskSlots, c.Served) >= 0)
            {
                n++;
                int index = Array.IndexOf(_diskSlots, c.Served);
                mask |= index >= 0 ? 1UL << index : 0;
            }
        }

        return n;
    }

    /// <summary>The network driver serving the `nic` endpoint: 1 when it said it serves,
    /// 2 while it is starting, 0 when there is none.</summary>
    public int NicState
    {
        get
        {
            foreach (Child c in _children)
            {
                if (c.Served == _nicSlot && _nicSlot != 0)
                {
                    return c.Ready ? 1 : 2;
                }
            }

            return 0;
        }
    }

    /// <summary>Starts the driver of every function the table names; the disks get the
    /// endpoints in <paramref name="diskSlots"/> to serve, in PCI order, one each, and the
    /// first network device the endpoint in <paramref name="nicSlot"/>; a disk or network
    /// device beyond them gets no driver (and the log says so).</summary>
    public void StartDrivers(int[] diskSlots, int nicSlot)
    {
        _diskSlots = diskSlots;
        _nicSlot = nicSlot;
        int disks = 0, nics = 0;
        foreach (PciFunction f in _functions)
        {
            string? driver = DriverTable.DriverFor(f, out bool isDisk, out bool isNic);
            if (driver == null)
            {
                continue;
            }

            if ((isDisk && disks == diskSlots.Length) || (isNic && nics == 1))
            {
                Log.WriteLine($"devmgr: {Name(f)} is a {(isDisk ? "disk" : "network device")} beyond the {(isDisk ? diskSlots.Length : 1)} NexOS serves; no driver started");
                continue;
            }

            int served = 0;
            if (isDisk)
            {
                served = diskSlots[disks++];
            }
            else if (isNic)
            {
                served = nicSlot;
                nics++;
            }

            long id = Start(f, driver, served, restarts: true);
            if (id < 0)
            {
                Log.WriteLine($"devmgr: could not start {driver} for {Name(f)} (status {-id})");
            }
        }
    }

    /// <summary>True while a program the manager started for <paramref name="f"/> runs: a
    /// second one would take the device (its interrupts, its registers) from under it.</summary>
    public bool IsDriven(PciFunction f)
    {
        foreach (Child c in _children)
        {
            if (c.Function == f)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Starts <paramref name="command"/> for <paramref name="f"/>; returns the new
    /// process's id or a negated status (LimitReached when 64 programs run).</summary>
    public long Start(PciFunction f, string command, int served, bool restarts)
    {
        ulong used = 0;
        foreach (Child c in _children)
        {
            used |= c.Bit;
        }

        ulong bit = ~used & (used + 1);
        if (bit == 0)
        {
            return -(long)NexOS.Abi.SyscallStatus.LimitReached;
        }

        long slot = _launch(f, command, served, _exits, bit);
        if (slot < 0)
        {
            return slot;
        }

        _children.Add(new Child { Slot = (int)slot, Bit = bit, Function = f, Command = command, Served = served, Restartable = restarts });
        return Children.ProcessId((int)slot);
    }

    /// <summary>Collects the programs that ended, reports them and restarts failed drivers.</summary>
    public void Reap()
    {
        if (_children.Count == 0 || Ipc.Wait(_exits, out ulong ended, 1) != NexOS.Abi.SyscallStatus.Ok)
        {
            return;
        }

        for (int i = _children.Count - 1; i >= 0; i--)
        {
            Child c = _children[i];
            if ((ended & c.Bit) == 0)
            {
                continue;
            }

            long code = Children.Wait(c.Slot);
            Log.WriteLine($"devmgr: {c.Command} for {Name(c.Function)} ended with code {code}");
            _ = Children.Close(c.Slot);
            _children.RemoveAt(i);
            if (c.Restartable && code != 0)
            {
                Restart(c);
            }
        }
    }

    private void Restart(Child c)
    {
        if (c.Restarts >= MaxRestarts)
        {
            Log.WriteLine($"devmgr: {c.Command} for {Name(c.Function)} failed {MaxRestarts + 1} times; not starting it again");
            return;
        }

        long id = Start(c.Function, c.Command, c.Served, restarts: true);
        if (id < 0)
        {
            Log.WriteLine($"devmgr: restarting {c.Command} for {Name(c.Function)} failed (status {-id})");
            return;
        }

        _children[^1].Restarts = c.Restarts + 1;
        Log.WriteLine($"devmgr: restarted {c.Command} for {Name(c.Function)} (restart {c.Restarts + 1} of {MaxRestarts})");
    }

    private static string Name(PciFunction f) => $"{f.Address.Bus:x2}:{f.Address.Device:x2}.{f.Address.Function}";

    private sealed class Child
    {
        public int Slot;
        public ulong Bit;
        public PciFunction Function = null!;
        public string Command = "";
        public int Served;
        public bool Restartable;
        public int Restarts;
        public bool Ready;
    }
}
