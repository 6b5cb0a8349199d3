namespace NexOS.Net;

/// <summary>A named tunable of the TCP stack with its range, as the scheduler's are: the
/// self-evolution engine may set it within the range, never outside.</summary>
public readonly record struct TcpParameter(string Name, int Minimum, int Maximum, int Default, string Unit);

/// <summary>
/// The TCP stack's tunables (the initial congestion window, delayed-ACK timeout and
/// buffer sizes, and the bounds on retransmission), named and range-checked. A change applies
/// to connections opened after it.
/// </summary>
public sealed class TcpParameters
{
    public static readonly TcpParameter InitialWindow = new("tcp.initial_window", 1, 10, 10, "segments");
    public static readonly TcpParameter DelayedAck = new("tcp.delayed_ack", 0, 500, 40, "ms");
    public static readonly TcpParameter SendBuffer = new("tcp.send_buffer", 4096, 1 << 20, 256 * 1024, "bytes");
    public static readonly TcpParameter ReceiveBuffer = new("tcp.receive_buffer", 4096, 1 << 20, 256 * 1024, "bytes");
    public static readonly TcpParameter MinimumRto = new("tcp.min_rto", 10, 1000, 200, "ms");
    public static readonly TcpParameter MaximumRetries = new("tcp.max_retries", 3, 15, 8, "tries");
    public static readonly TcpParameter KeepAliveIdle = new("tcp.keepalive_idle", 10, 7200, 120, "s");

    /// <summary>Every tunable, in the order `sysctl`-like listings show them.</summary>
    public static readonly TcpParameter[] All = [InitialWindow, DelayedAck, SendBuffer, ReceiveBuffer, MinimumRto, MaximumRetries, KeepAliveIdle];

    private readonly int[] _values;

    public TcpParameters()
    {
        _values = new int[All.Length];
        for (int i = 0; i < All.Length; i++)
        {
            _values[i] = All[i].Default;
        }
    }

    /// <summary>The value of <paramref name="parameter"/>.</summary>
    public int this[TcpParameter parameter] => _values[Array.IndexOf(All, parameter)];

    /// <summary>Sets the tunable named <paramref name="name"/>; false, changing nothing, for an
    /// unknown name or a value outside its range.</summary>
    public bool TrySet(string name, int value)
    {
        for (int i = 0; i < All.Length; i++)
        {
            if (All[i].Name == name)
            {
                if (value < All[i].Minimum || value > All[i].Maximum)
                {
                    return false;
                }

                _values[i] = value;
                return true;
            }
        }

        return false;
    }
}
