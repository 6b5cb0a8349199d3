namespace NexOS.Abi;

/// <summary>
/// The network service's protocol (user/net, docs/services.md) on the `net` endpoint. IPv4
/// addresses travel as 32-bit numbers, most significant byte first (10.0.2.15 is 0x0A00020F).
/// The answer's Label is a <see cref="Status"/> value (0: Ok). Calls that wait on the network
/// (Ping, Dhcp, Resolve) are kept by the service until they end, while it serves others.
/// Info: answers W0 = the MAC address (byte i in bits 8i..8i+7), W1 = the address (bits 0-31),
/// the prefix length (bits 32-39) and <see cref="Flags"/> (bits 40-47), W2 = the gateway
/// (bits 0-31) and the first name server (bits 32-63), W3 = seconds of the lease left.
/// Counters: a write grant; the service writes <see cref="CounterNames"/>.Length little-endian
/// ulongs in that order and answers W0 = how many.
/// Ping: W0 = the destination, W1 = the sequence number (16 bits), W2 = data bytes (0-1464),
/// W3 = the timeout in milliseconds (1-60000); answers W0 = the round trip in nanoseconds.
/// Dhcp: W0 = 1 starts address discovery again, 0 only waits; W1 = the timeout in milliseconds;
/// answers once an address is leased, W0 = the address.
/// Configure: W0 = the address, W1 = the prefix length, W2 = the gateway, W3 = the name server
/// (0: none); ends DHCP.
/// Resolve: a read grant holding the name (1-253 bytes); W0 = the name server (0: the one
/// known), W1 = the timeout in milliseconds; answers W0 = the address, W1 = its TTL in seconds.
/// The resolver asks over UDP and, after a second without an answer (or a truncated one),
/// over TCP.
/// Sockets belong to the badge of the capability that opened them, and only it can use them;
/// a timeout of 0 waits without limit (at most <see cref="MaxWaitMs"/> otherwise).
/// Listen: W0 = the port, W1 = the backlog (1-128); answers W0 = the socket.
/// Accept: W0 = a listening socket, W1 = the timeout; answers W0 = the new socket, W1 = the
/// peer's address, W2 = its port.
/// Connect: W0 = the address, W1 = the port, W2 = the timeout; answers W0 = the socket once the
/// connection is open (Refused, TimedOut otherwise).
/// Send: W0 = a TCP socket, a read grant with the data, W1 = the timeout; answers W0 = the bytes
/// taken (at least one; fewer than granted when the send buffer filled).
/// Receive: W0 = a TCP socket, a write grant, W1 = the timeout; answers W0 = the bytes (0: the
/// peer closed its side and everything before was read).
/// Close: W0 = a socket. A connection sends its FIN after its data (a reset if data it
/// received was left unread).
/// UdpOpen: W0 = the port (0: any); answers W0 = the socket, W1 = its port.
/// UdpSend: W0 = a UDP socket, W1 = the address, W2 = the port, a read grant with the data
/// (at most 1472 bytes).
/// UdpReceive: W0 = a UDP socket, a write grant, W1 = the timeout; answers W0 = the bytes,
/// W1 = the sender's address, W2 = its port.
/// Forget: W0 = a badge whose sockets are closed (its program ended); unbadged callers only.
/// Sockets: a write grant; the service writes one line of text per socket and connection
/// (`netstat`); answers W0 = the bytes.
/// Parameters: a write grant; the service writes the TCP tunables as text, one
/// `name = value unit (range min..max, default d)` line each; answers W0 = the bytes.
/// SetParameter: a read grant holding `name value`; BadArgument for an unknown name or a value
/// outside its range; connections opened afterwards use it.
/// Poll: W0 = entries (1-<see cref="MaxPoll"/>), W1 = the timeout, a read grant of entries of 8
/// bytes: a socket (little-endian uint) and what is awaited (uint: <see cref="PollReadable"/>,
/// <see cref="PollWritable"/>); answers, once one is ready or the time is up, W0 = a mask of
/// the ready entries (bit i: entry i). Readable means data, a connection to accept, a datagram,
/// or an end (the peer's close, a reset) that the next call reports; a socket that is not the
/// caller's counts as ready, so that call reports it.
/// </summary>
public static class NetProtocol
{
    public const ulong Info = 1;
    public const ulong Counters = 2;
    public const ulong Ping = 3;
    public const ulong Dhcp = 4;
    public const ulong Configure = 5;
    public const ulong Resolve = 6;
    public const ulong Listen = 10;
    public const ulong Accept = 11;
    public const ulong Connect = 12;
    public const ulong Send = 13;
    public const ulong Receive = 14;
    public const ulong Close = 15;
    public const ulong UdpOpen = 16;
    public const ulong UdpSend = 17;
    public const ulong UdpReceive = 18;
    public const ulong Forget = 19;
    public const ulong Sockets = 20;
    public const ulong Poll = 21;
    public const ulong Parameters = 22;
    public const ulong SetParameter = 23;

    /// <summary>The most sockets one Poll watches.</summary>
    public const int MaxPoll = 32;

    /// <summary>Poll interests.</summary>
    public const uint PollReadable = 1, PollWritable = 2;

    /// <summary>The longest timeout a call may give.</summary>
    public const ulong MaxWaitMs = 3_600_000;

    /// <summary>The most bytes one UDP datagram carries.</summary>
    public const int MaxDatagram = 1472;

    /// <summary>The counters Counters writes, in order.</summary>
    public static readonly string[] CounterNames =
    [
        "frames received", "frames sent", "ARP replies sent", "echo replies sent", "echo replies received",
        "UDP datagrams delivered", "dropped malformed", "dropped not for us", "dropped unsupported",
        "dropped unreachable", "dropped queue full", "NIC frames received", "NIC frames sent",
        "NIC receive errors", "NIC transmit ring full",
    ];

    /// <summary>Why a call failed.</summary>
    public enum Status : ulong
    {
        Ok = 0,
        BadArgument = 1,
        NotConfigured = 2,
        Unreachable = 3,
        TimedOut = 4,
        Busy = 5,
        NoServer = 6,
        NotFound = 7,
        ServerFailed = 8,
        Refused = 9,
        Reset = 10,
        NotConnected = 11,
        AddressInUse = 12,

        /// <summary>There is no network device (or its driver is not running).</summary>
        NoDevice = 20,
    }

    /// <summary>Bits of Info's flags.</summary>
    [System.Flags]
    public enum Flags : ulong
    {
        None = 0,

        /// <summary>A network device is in use.</summary>
        Device = 1,

        /// <summary>Its link is up.</summary>
        LinkUp = 2,

        /// <summary>The interface has an address.</summary>
        Configured = 4,

        /// <summary>The address came from DHCP.</summary>
        Dhcp = 8,
    }

    /// <summary>The status text a client prints.</summary>
    public static string Describe(ulong status) => (Status)status switch
    {
        Status.Ok => "ok",
        Status.BadArgument => "bad argument",
        Status.NotConfigured => "the interface has no address",
        Status.Unreachable => "unreachable",
        Status.TimedOut => "timed out",
        Status.Busy => "too many requests waiting",
        Status.NoServer => "no name server known",
        Status.NotFound => "no such name",
        Status.ServerFailed => "the name server failed",
        Status.Refused => "connection refused",
        Status.Reset => "connection reset by the peer",
        Status.NotConnected => "not connected",
        Status.AddressInUse => "the port is in use",
        Status.NoDevice => "no network device",
        _ => $"status {status}",
    };

    /// <summary>Dotted-quad text of an address as the protocol carries it.</summary>
    public static string AddressText(ulong address) =>
        $"{(address >> 24) & 0xFF}.{(address >> 16) & 0xFF}.{(address >> 8) & 0xFF}.{address & 0xFF}";
}
