using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace NexOS.Tests.Boot;

/// <summary>How to start a <see cref="QemuMachine"/>.</summary>
internal sealed record QemuOptions
{
    /// <summary>The -m argument: guest memory, e.g. "128M" or "2G".</summary>
    public string Memory { get; init; } = "512M";

    /// <summary>Text added to the kernel command line through a cmdline.cfg disk, or null.</summary>
    public string? CommandLine { get; init; }

    /// <summary>Boot through UEFI firmware (OVMF) instead of the BIOS.</summary>
    public bool Uefi { get; init; }
}

/// <summary>
/// One NexOS machine under QEMU (TCG, i440fx), its COM1 on QEMU's stdin and stdout. Everything
/// the guest prints is collected in a log by a reader thread. Waits look at the log from a
/// cursor, which each successful wait moves past what it matched, so a test reads the output
/// in order and never matches stale text. Every wait has a timeout; on timeout the test fails
/// with the whole log in the message and attached to the result. Dispose kills QEMU.
/// </summary>
internal sealed class QemuMachine : IDisposable
{
    private const int SendChunk = 8;
    private static readonly TimeSpan s_sendPause = TimeSpan.FromMilliseconds(3);
    private static int s_counter;

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly StringBuilder _errors = new();
    private readonly Thread _stdoutReader;
    private readonly Thread _stderrReader;
    private readonly string _directory;
    private readonly string _name;
    private readonly List<string> _arguments;
    private int _cursor;
    private bool _disposed;

    private QemuMachine(QemuOptions options)
    {
        Options = options;
        _name = $"{TestContext.CurrentContext.Test.Name}-{Interlocked.Increment(ref s_counter)}";
        _directory = Path.Combine(Path.GetTempPath(), "nexos-boot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);

        var info = new ProcessStartInfo(BootEnvironment.QemuBinary)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _arguments = Arguments(options, BootEnvironment.IsoPath(), _directory);
        foreach (string argument in _arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            Directory.Delete(_directory, recursive: true);
            throw new AssertionException($"cannot start {BootEnvironment.QemuBinary} ({e.Message}); ./nexos build installs it");
        }

        _stdoutReader = StartReader(_process.StandardOutput.BaseStream, _log, "stdout");
        _stderrReader = StartReader(_process.StandardError.BaseStream, _errors, "stderr");
    }

    public QemuOptions Options { get; }

    /// <summary>Everything the guest has printed so far.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts QEMU. The ISO and the tools must exist, else the test fails.</summary>
    public static QemuMachine Start(QemuOptions? options = null) => new(options ?? new QemuOptions());

    /// <summary>Waits until <paramref name="text"/> appears after the cursor, moves the cursor
    /// past it, and returns everything from the old cursor to the end of the match.</summary>
    public string WaitFor(string text, TimeSpan timeout) =>
        WaitFor(new Regex(Regex.Escape(text)), $"\"{Escape(text)}\"", timeout).Seen;

    /// <summary>Waits until <paramref name="pattern"/> matches after the cursor, moves the
    /// cursor past the match and returns it. Use (?m) with ^ and $ to match whole lines;
    /// the log's line ends are "\r\n".</summary>
    public Match WaitFor(Regex pattern, TimeSpan timeout) => WaitFor(pattern, $"/{pattern}/", timeout).Match;

    /// <summary>Waits for <paramref name="duration"/> and fails if <paramref name="text"/>
    /// appears after the cursor meanwhile.</summary>
    public void ExpectAbsent(string text, TimeSpan duration)
    {
        Thread.Sleep(duration);
        string rest = Log[_cursor..];
        if (rest.Contains(text, StringComparison.Ordinal))
        {
            Fail($"\"{Escape(text)}\" appeared within {duration.TotalSeconds} s, but should not have");
        }
    }

    /// <summary>Types <paramref name="text"/> (UTF-8) on the serial line.</summary>
    public void Send(string text) => SendBytes(Encoding.UTF8.GetBytes(text));

    /// <summary>Sends bytes on the serial line in chunks of eight with a short pause between,
    /// so that a guest draining a 16-byte UART FIFO from its interrupt handler keeps up.</summary>
    public void SendBytes(byte[] bytes)
    {
        Stream input = _process.StandardInput.BaseStream;
        for (int offset = 0; offset < bytes.Length; offset += SendChunk)
        {
            if (_process.HasExited)
            {
                Fail($"QEMU exited with code {_process.ExitCode} while input was being sent");
            }

            try
            {
                input.Write(bytes, offset, Math.Min(SendChunk, bytes.Length - offset));
                input.Flush();
            }
            catch (IOException e)
            {
                Fail($"writing to QEMU failed: {e.Message}");
            }

            Thread.Sleep(s_sendPause);
        }
    }

    /// <summary>Waits for QEMU to exit and returns its exit status. With isa-debug-exit, a
    /// guest write of v to port 0xf4 exits with (v &lt;&lt; 1) | 1.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Fail($"QEMU did not exit within {timeout.TotalSeconds} s");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Kills QEMU if it still runs and removes the machine's temporary files. The log
    /// stays available through <see cref="Log"/>.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill: nothing left to stop.
        }

        _stdoutReader.Join(2000);
        _stderrReader.Join(2000);
        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover 1.4 MB image in /tmp is not worth failing a test over.
        }
    }

    private static List<string> Arguments(QemuOptions options, string iso, string directory)
    {
        var args = new List<string>
        {
            "-machine", "pc", "-cpu", "max", "-accel", "tcg", "-m", options.Memory, "-smp", "1",
            "-cdrom", iso, "-boot", "d", "-serial", "stdio", "-display", "none", "-no-reboot",
            "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
        };
        if (options.CommandLine != null)
        {
            string image = BootEnvironment.CreateCommandLineDisk(directory, options.CommandLine);
            args.Add("-drive");
            args.Add($"file={image},format=raw,if=ide,index=1");
        }

        if (options.Uefi)
        {
            if (!File.Exists(BootEnvironment.OvmfPath))
            {
                Assert.Fail($"{BootEnvironment.OvmfPath} is missing: install the ovmf package (./nexos build does)");
            }

            args.Add("-bios");
            args.Add(BootEnvironment.OvmfPath);
        }

        return args;
    }

    private static Thread StartReader(Stream stream, StringBuilder sink, string name)
    {
        var thread = new Thread(() =>
        {
            Decoder decoder = Encoding.UTF8.GetDecoder();
            byte[] buffer = new byte[4096];
            char[] chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
            try
            {
                int n;
                while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
                {
                    int count = decoder.GetChars(buffer, 0, n, chars, 0);
                    lock (sink)
                    {
                        sink.Append(chars, 0, count);
                        Monitor.PulseAll(sink);
                    }
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // QEMU was killed; the log holds everything read before.
            }

            lock (sink)
            {
                Monitor.PulseAll(sink);
            }
        })
        {
            IsBackground = true,
            Name = "qemu " + name,
        };
        thread.Start();
        return thread;
    }

    private static string Escape(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\u001b", "\\e");

    private (string Seen, Match Match) WaitFor(Regex pattern, string what, TimeSpan timeout)
    {
        CancellationToken cancel = TestContext.CurrentContext.CancellationToken;
        DateTime deadline = DateTime.UtcNow + timeout;
        string failure;
        lock (_log)
        {
            while (true)
            {
                string rest = _log.ToString(_cursor, _log.Length - _cursor);
                Match match = pattern.Match(rest);
                if (match.Success)
                {
                    _cursor += match.Index + match.Length;
                    return (rest[..(match.Index + match.Length)], match);
                }

                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    failure = $"{what} did not appear within {timeout.TotalSeconds} s";
                    break;
                }

                if (cancel.IsCancellationRequested)
                {
                    failure = $"the test was cancelled while waiting for {what}";
                    break;
                }

                // Once QEMU is gone and its output fully read, nothing more can arrive.
                if (_process.HasExited && !_stdoutReader.IsAlive)
                {
                    failure = $"QEMU exited with code {_process.ExitCode} before {what} appeared";
                    break;
                }

                Monitor.Wait(_log, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }

        Fail(failure);
        return default;
    }

    /// <summary>Fails the test with the whole serial log in the message and as an attachment.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private void Fail(string reason)
    {
        string log = Log;
        string errors;
        lock (_errors)
        {
            errors = _errors.ToString();
        }

        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"serial-{Sanitize(_name)}.log");
        File.WriteAllText(path, log + (errors.Length > 0 ? "\n--- QEMU stderr ---\n" + errors : ""));
        TestContext.AddTestAttachment(path, "serial log of the failed QEMU machine");
        throw new AssertionException($"{reason}\n{BootEnvironment.QemuBinary} {string.Join(' ', _arguments)}\n"
            + $"--- serial log ({log.Length} chars) ---\n{log}\n--- end of serial log ---"
            + (errors.Length > 0 ? $"\n--- QEMU stderr ---\n{errors}" : ""));
    }

    private static string Sanitize(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (char c in name)
        {
            builder.Append(char.IsLetterOrDigit(c) || c == '-' ? c : '_');
        }

        return builder.ToString();
    }
}
