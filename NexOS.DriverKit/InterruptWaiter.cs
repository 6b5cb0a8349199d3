using NexOS.Abi;
using NexOS.Drivers.Hardware;
using NexOS.UserLib;

namespace NexOS.DriverKit;

/// <summary>
/// Waits for a device's interrupt (bound to a notification of the driver's own) when it has
/// one, or sleeps briefly when it has none, so a driver's bounded waits cost little CPU.
/// With an interrupt line, after each wake-up it runs the device's acknowledgement (reading an
/// interrupt status register lowers a level-triggered line) and re-arms the line; a message
/// interrupt (MSI-X) needs neither, so a wake-up costs no system call beyond the wait. One
/// wait lasts at most
/// <see cref="WaitNs"/>, so a lost interrupt costs that much, never a hang; the driver bounds
/// how many waits a request may take (<see cref="WaitsFor"/>).
/// </summary>
public sealed class InterruptWaiter : IWaiter
{
    private const ulong Bit = 1;
    private const ulong SliceNs = 20_000_000;
    private const ulong PollNs = 1_000_000;

    private readonly int _line;
    private readonly int _notification;
    private readonly Action? _acknowledge;
    private readonly bool _message;

    private InterruptWaiter(int line, int notification, Action? acknowledge, bool message = false)
    {
        _line = line;
        _notification = notification;
        _acknowledge = acknowledge;
        _message = message;
    }

    /// <summary>Interrupts that woke the driver.</summary>
    public ulong Interrupts { get; private set; }

    /// <summary>A waiter on the line in capability slot <paramref name="line"/> (0: none,
    /// poll), calling <paramref name="acknowledge"/> after each wake-up. When binding the line
    /// fails it falls back to polling and says so on the log.</summary>
    public static InterruptWaiter Create(string driver, int line, Action? acknowledge)
    {
        if (line != 0)
        {
            long notification = Ipc.CreateNotification();
            SyscallStatus bound = notification < 0 ? (SyscallStatus)(-notification) : Devices.BindInterrupt(line, (int)notification, Bit);
            if (bound == SyscallStatus.Ok)
            {
                return new InterruptWaiter(line, (int)notification, acknowledge);
            }

            Log.WriteLine($"{driver}: interrupt line refused (status {(int)bound}); polling");
        }

        return new InterruptWaiter(0, 0, acknowledge);
    }

    /// <summary>A waiter on the message interrupt in capability slot
    /// <paramref name="interrupt"/> (Devices.CreateMessageInterrupt); null with the status when
    /// it cannot be bound, so the driver can fall back to its line before enabling messages.</summary>
    public static InterruptWaiter? CreateForMessage(int interrupt, out SyscallStatus status)
    {
        long notification = Ipc.CreateNotification();
        status = notification < 0 ? (SyscallStatus)(-notification) : Devices.BindInterrupt(interrupt, (int)notification, Bit);
        if (status != SyscallStatus.Ok)
        {
            if (notification >= 0)
            {
                _ = Children.Close((int)notification);
            }

            return null;
        }

        return new InterruptWaiter(interrupt, (int)notification, null, message: true);
    }

    /// <summary>The notification the interrupt raises (bit 1); 0 when polling. A server binds
    /// it to its thread to hear the device and its clients in one receive.</summary>
    public int Notification => _notification;

    /// <summary>What <see cref="Wait"/> does after waking: the device's acknowledgement and,
    /// for a line, re-arming it. For a server that heard the interrupt through its receive.</summary>
    public void Acknowledge()
    {
        Interrupts++;
        _acknowledge?.Invoke();
        if (_line != 0 && !_message)
        {
            _ = Devices.AcknowledgeInterrupt(_line);
        }
    }

    /// <summary>True when the wake-ups come from a message interrupt (MSI-X).</summary>
    public bool UsesMessages => _message;

    /// <summary>True when the device's interrupt wakes the driver.</summary>
    public bool UsesInterrupt => _line != 0;

    /// <summary>The longest one wait lasts.</summary>
    public ulong WaitNs => _line == 0 ? PollNs : SliceNs;

    /// <summary>Waits that cover at least <paramref name="nanoseconds"/>: the bound a driver
    /// puts on one request.</summary>
    public int WaitsFor(ulong nanoseconds) => (int)Math.Min(int.MaxValue, Math.Max(1, nanoseconds / WaitNs));

    /// <inheritdoc/>
    public bool Wait()
    {
        if (_line == 0)
        {
            Time.Sleep(PollNs);
        }
        else if (Ipc.Wait(_notification, out _, SliceNs) == SyscallStatus.Ok)
        {
            Interrupts++;
        }

        _acknowledge?.Invoke();
        if (_line != 0 && !_message)
        {
            _ = Devices.AcknowledgeInterrupt(_line);
        }

        return true;
    }
}
