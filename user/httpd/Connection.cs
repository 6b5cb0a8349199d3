using NexOS.Net.Http;
using NexOS.UserLib;

namespace NexOS.Programs.Httpd;

/// <summary>One client: its request head arriving, then its response going out.</summary>
internal sealed class Connection
{
    private readonly byte[] _head = new byte[HttpRequestParser.MaxHead + 1];
    private int _received;
    private int _sent;

    public Connection(TcpSocket socket, ulong deadline)
    {
        Socket = socket;
        Deadline = deadline;
    }

    public TcpSocket Socket { get; }

    /// <summary>When the request must have arrived (and, after it, the response gone).</summary>
    public ulong Deadline { get; private set; }

    /// <summary>The response being sent; null while the request is still arriving.</summary>
    public byte[]? Response { get; private set; }

    /// <summary>Moves the connection on after Poll said it is ready; true when it is done
    /// (answered, or the client went away).</summary>
    public bool Step()
    {
        if (Response == null)
        {
            long n = Socket.Receive(_head.AsSpan(_received), 1);
            if (n <= 0)
            {
                return true;
            }

            _received += (int)n;
            HttpParse parse = HttpRequestParser.TryParse(_head.AsSpan(0, _received), out HttpRequest? request, out int status);
            if (parse == HttpParse.Incomplete && _received < _head.Length)
            {
                return false;
            }

            Response = parse == HttpParse.Complete ? Program.Respond(request!) : HttpResponse.Error(parse == HttpParse.Incomplete ? 431 : status);
            Deadline = Time.MonotonicNs + (Program.RequestTimeoutMs * 1_000_000);
        }

        long sent = Socket.Send(Response.AsSpan(_sent), 1);
        if (sent <= 0)
        {
            return true;
        }

        _sent += (int)sent;
        return _sent == Response.Length;
    }

    /// <summary>The deadline passed: a client still sending its request gets 408.</summary>
    public bool TimeOut()
    {
        if (Response == null)
        {
            _ = Socket.Send(HttpResponse.Error(408), 1);
        }

        return true;
    }
}
