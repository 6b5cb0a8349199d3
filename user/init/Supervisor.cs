using NexOS.Abi;
using NexOS.Core.Processes;
using NexOS.UserLib;

namespace NexOS.Programs.Init;

/// <summary>Starts the services and keeps them running: one bit of the end notification per
/// service, restarts after <see cref="RestartBackoff"/> delays, timed by the wait's timeout.</summary>
internal sealed class Supervisor
{
    private readonly IReadOnlyList<ServiceEntry> _services;
    private readonly Dictionary<string, int> _slots;
    private readonly int _ends;
    private readonly Service[] _state;

    private readonly string? _screen;

    /// <summary>Supervises <paramref name="services"/>; <paramref name="slots"/> names init's
    /// capabilities, <paramref name="ends"/> is the notification their ends raise, and
    /// <paramref name="screen"/> the kernel's `fb=` description of the screen (null: none).</summary>
    public Supervisor(IReadOnlyList<ServiceEntry> services, Dictionary<string, int> slots, int ends, string? screen)
    {
        _screen = screen;
        _services = services;
        _slots = slots;
        _ends = ends;
        _state = new Service[services.Count];
        for (int i = 0; i < _state.Length; i++)
        {
            _state[i] = new Service();
        }
    }

    /// <summary>Never returns while services run.</summary>
    public void Run()
    {
        for (int i = 0; i < _services.Count; i++)
        {
            Start(i);
        }

        while (true)
        {
            ulong now = Time.MonotonicNs;
            ulong due = ulong.MaxValue;
            for (int i = 0; i < _state.Length; i++)
            {
                if (_state[i].RestartAtNs != 0)
                {
                    if (_state[i].RestartAtNs <= now)
                    {
                        _state[i].RestartAtNs = 0;
                        Start(i);
                    }
                    else
                    {
                        due = Math.Min(due, _state[i].RestartAtNs);
                    }
                }
            }

            // Starting services takes time: a restart due meanwhile must not make the wait's
            // timeout wrap around (a huge timeout is refused, which once ended init).
            ulong left = Time.MonotonicNs;
            left = due == ulong.MaxValue ? 0 : due > left ? due - left : 1;
            SyscallStatus status = Ipc.Wait(_ends, out ulong bits, left);
            if (status != SyscallStatus.Ok && status != SyscallStatus.TimedOut)
            {
                Log.WriteLine($"init: waiting for the services failed (status {(int)status})");
                return;
            }

            for (int i = 0; i < _state.Length && bits != 0; i++)
            {
                if ((bits & (1UL << i)) != 0)
                {
                    Ended(i);
                }
            }
        }
    }

    private void Start(int index)
    {
        ServiceEntry entry = _services[index];
        Span<ulong> caps = stackalloc ulong[entry.Capabilities.Count];
        var copies = new List<int>();
        string command = entry.Program;
        int given = 0;
        for (int c = 0; c < caps.Length; c++)
        {
            CapabilityGrant grant = entry.Capabilities[c];
            if (grant.Optional && Children.Inspect(_slots[grant.Name]) < 0)
            {
                continue; // the kernel did not give init this one (a machine with no screen)
            }

            command += grant.Name == "screen" && _screen != null ? " " + _screen : "";
            long copy = Children.Copy(_slots[grant.Name], grant.Rights, grant.Badge);
            if (copy < 0)
            {
                Log.WriteLine($"init: cannot hand {grant.Name} to {entry.Name} (status {-copy})");
                CloseAll(copies);
                return;
            }

            copies.Add((int)copy);
            caps[given++] = (ulong)copy;
        }

        long process = Children.Spawn(command, caps[..given], _ends, 1UL << index);
        CloseAll(copies); // the child has its own copies now
        if (process < 0)
        {
            Log.WriteLine($"init: cannot start {entry.Name} ({entry.Program}): status {-process}");
            return;
        }

        _state[index].Process = (int)process;
        _state[index].StartedNs = Time.MonotonicNs;
    }

    private void Ended(int index)
    {
        ServiceEntry entry = _services[index];
        Service state = _state[index];
        long code = Children.Wait(state.Process, 1);
        Children.Close(state.Process);
        state.Process = 0;
        if (entry.Restart == RestartPolicy.OnFailure && code == 0)
        {
            return; // it had nothing to do (no device): an expected end, not news for the console
        }

        if (entry.Restart == RestartPolicy.Never)
        {
            Log.WriteLine($"init: {entry.Name} ended (code {code}); it is not restarted");
            return;
        }

        ulong delay = state.Backoff.NextDelay(Time.MonotonicNs - state.StartedNs);
        state.RestartAtNs = Time.MonotonicNs + delay;
        Log.WriteLine($"init: {entry.Name} ended (code {code}); starting it again in {delay / 1_000_000} ms");
    }

    private static void CloseAll(List<int> slots)
    {
        foreach (int slot in slots)
        {
            Children.Close(slot);
        }
    }

    private sealed class Service
    {
        public int Process;
        public ulong StartedNs;
        public ulong RestartAtNs;
        public RestartBackoff Backoff { get; } = new();
    }
}
