using System.IO;
using System.Net.Sockets;
using System.Text;

namespace NexOS.Tests.Boot;

/// <summary>
/// QEMU's human monitor on its unix socket (<see cref="QemuOptions.Monitor"/>): a person's
/// hands on the machine's keyboard (sendkey) and eyes on its screen (screendump). Every wait
/// has a timeout; a monitor that does not answer fails the test.
/// </summary>
internal sealed class QemuMonitor : IDisposable
{
    private const string Prompt = "(qemu) ";
    private static readonly TimeSpan s_answer = TimeSpan.FromSeconds(10);

    private readonly Socket _socket;
    private readonly StringBuilder _seen = new();

    private QemuMonitor(Socket socket) => _socket = socket;

    /// <summary>Connects to the socket at <paramref name="path"/>, waiting for QEMU to make it.</summary>
    public static QemuMonitor Connect(string path)
    {
        DateTime end = DateTime.UtcNow + s_answer;
        while (true)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                socket.Connect(new UnixDomainSocketEndPoint(path));
                var monitor = new QemuMonitor(socket);
                monitor.ReadToPrompt();
                return monitor;
            }
            catch (SocketException) when (DateTime.UtcNow < end)
            {
                socket.Dispose();
                System.Threading.Thread.Sleep(100);
            }
        }
    }

    /// <summary>Runs a monitor command and returns what it printed.</summary>
    public string Run(string command)
    {
        _socket.Send(Encoding.ASCII.GetBytes(command + "\n"));
        return ReadToPrompt();
    }

    /// <summary>Presses and releases keys, one sendkey each (names as QEMU spells them:
    /// "a", "shift-a", "spc", "ret"), with a pause so the guest sees each one.</summary>
    public void SendKeys(params string[] keys)
    {
        foreach (string key in keys)
        {
            Run("sendkey " + key);
            System.Threading.Thread.Sleep(30);
        }
    }

    /// <summary>Types <paramref name="text"/> (lower-case letters, digits, space and '.')
    /// followed by Enter.</summary>
    public void TypeLine(string text)
    {
        var keys = new List<string>();
        foreach (char c in text)
        {
            keys.Add(c switch
            {
                ' ' => "spc",
                '.' => "dot",
                _ => c.ToString(),
            });
        }

        keys.Add("ret");
        SendKeys(keys.ToArray());
    }

    /// <summary>The screen as QEMU shows it: width, height and RGB bytes of a P6 screendump.</summary>
    public (int Width, int Height, byte[] Rgb) Screendump(string path)
    {
        File.Delete(path);
        Run("screendump " + path);
        DateTime end = DateTime.UtcNow + s_answer;
        while (!File.Exists(path) || new FileInfo(path).Length == 0)
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"screendump wrote no {path}");
            }

            System.Threading.Thread.Sleep(50);
        }

        byte[] bytes = File.ReadAllBytes(path);
        int at = 0;
        string[] header = new string[4];
        for (int i = 0; i < 4; i++)
        {
            while (char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            int start = at;
            while (!char.IsWhiteSpace((char)bytes[at]))
            {
                at++;
            }

            header[i] = Encoding.ASCII.GetString(bytes, start, at - start);
        }

        Assert.That(header[0], Is.EqualTo("P6"), "screendump writes binary PPM");
        int width = int.Parse(header[1]), height = int.Parse(header[2]);
        return (width, height, bytes[(at + 1)..]);
    }

    public void Dispose() => _socket.Dispose();

    private string ReadToPrompt()
    {
        var buffer = new byte[4096];
        DateTime end = DateTime.UtcNow + s_answer;
        _seen.Clear();
        _socket.ReceiveTimeout = (int)s_answer.TotalMilliseconds;
        while (!_seen.ToString().EndsWith(Prompt, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"QEMU's monitor did not answer; it printed: {_seen}");
            }

            int n = _socket.Receive(buffer);
            if (n == 0)
            {
                Assert.Fail($"QEMU's monitor closed; it printed: {_seen}");
            }

            _seen.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        return _seen.ToString();
    }
}
