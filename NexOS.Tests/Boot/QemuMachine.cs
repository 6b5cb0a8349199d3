using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace NexOS.Tests.Boot;

/// <summary>
/// One NexOS machine under QEMU, its COM1 on QEMU's stdin and stdout. Waits read the serial
/// output in order (see <see cref="SerialLog"/>) and each has a timeout; when one runs out,
/// the test fails with the whole serial log in the message and attached to the result.
/// Dispose kills QEMU, so no test can leave an emulator behind.
/// </summary>
internal sealed class QemuMachine : IDisposable
{
    private const int SendChunk = 8;
    private static readonly TimeSpan s_sendPause = TimeSpan.FromMilliseconds(3);
    private static int s_counter;

    private readonly Process _process;
    private readonly SerialLog _serial;
    private readonly SerialLog _errors;
    private readonly string _directory;
    private readonly string _name;
    private readonly List<string> _arguments;
    private readonly string _program;
    private bool _disposed;

    private QemuMachine(QemuOptions options)
    {
        _name = $"{TestContext.CurrentContext.Test.Name}-{Interlocked.Increment(ref s_counter)}";
        _directory = Path.Combine(Path.GetTempPath(), "nexos-boot-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _arguments = options.ToArguments(BootEnvironment.IsoPath(), _directory);

        // In a network namespace, `ip netns exec` execs QEMU: the process stays the one to kill.
        if (options.NetworkNamespace != null)
        {
            _arguments.InsertRange(0, new[] { "netns", "exec", options.NetworkNamespace, BootEnvironment.QemuBinary });
        }

        _program = options.NetworkNamespace != null ? "ip" : BootEnvironment.QemuBinary;
        var info = new ProcessStartInfo(_program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
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

        _serial = new SerialLog(_process.StandardOutput.BaseStream, "qemu serial");
        _errors = new SerialLog(_process.StandardError.BaseStream, "qemu stderr");
    }

    /// <summary>The unix socket behind the guest's COM2 when started with <see cref="QemuOptions.PatchLine"/>.</summary>
    public string PatchSocketPath => QemuOptions.PatchSocketPath(_directory);

    /// <summary>The monitor's socket when started with <see cref="QemuOptions.Monitor"/>.</summary>
    public string MonitorSocketPath => QemuOptions.MonitorSocketPath(_directory);

    /// <summary>A file of the machine's own, removed with it (screendumps).</summary>
    public string FilePath(string name) => Path.Combine(_directory, name);

    /// <summary>Everything the guest has printed so far.</summary>
    public string Log => _serial.Text;

    /// <summary>True once QEMU has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts QEMU. The ISO and the tools must exist, else the test fails.</summary>
    public static QemuMachine Start(QemuOptions? options = null) => new(options ?? new QemuOptions());

    /// <summary>Waits until <paramref name="text"/> appears in the unread output, and returns
    /// the output up to and including it.</summary>
    public string WaitFor(string text, TimeSpan timeout) =>
        WaitFor(new Regex(Regex.Escape(text)), $"\"{Escape(text)}\"", timeout).Seen;

    /// <summary>Waits until <paramref name="pattern"/> matches the unread output and returns
    /// the match. Lines end in "\r\n": use (?m) with \r?$ to match whole lines.</summary>
    public Match WaitFor(Regex pattern, TimeSpan timeout) => WaitFor(pattern, $"/{pattern}/", timeout).Match;

    /// <summary>Waits for <paramref name="duration"/> and fails if <paramref name="text"/>
    /// appears in the unread output meanwhile.</summary>
    public void ExpectAbsent(string text, TimeSpan duration)
    {
        Thread.Sleep(duration);
        if (_serial.Unread.Contains(text, StringComparison.Ordinal))
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

    /// <summary>Kills QEMU if it still runs and removes the machine's temporary files.</summary>
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

        _serial.Join(TimeSpan.FromSeconds(2));
        _errors.Join(TimeSpan.FromSeconds(2));
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

    private static string Escape(string text) => text.Replace("\r", "\\r").Replace("\n", "\\n").Replace("\u001b", "\\e");

    private (Match Match, string Seen) WaitFor(Regex pattern, string what, TimeSpan timeout)
    {
        CancellationToken cancel = TestContext.CurrentContext.CancellationToken;
        (Match, string)? found = _serial.TryWaitFor(pattern, DateTime.UtcNow + timeout, cancel, () => _process.HasExited);
        if (found is (Match, string) result)
        {
            return result;
        }

        Fail(cancel.IsCancellationRequested ? $"the test was cancelled while waiting for {what}"
            : _process.HasExited ? $"QEMU exited with code {_process.ExitCode} before {what} appeared"
            : $"{what} did not appear within {timeout.TotalSeconds} s");
        return default;
    }

    /// <summary>Fails the test with the whole serial log in the message and as an attachment.</summary>
    [DoesNotReturn]
    private void Fail(string reason)
    {
        string log = _serial.Text;
        string errors = _errors.Text;
        string stderr = errors.Length > 0 ? $"\n--- QEMU stderr ---\n{errors}" : "";
        string path = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"serial-{Sanitize(_name)}.log");
        File.WriteAllText(path, log + stderr);
        TestContext.AddTestAttachment(path, "serial log of the failed QEMU machine");
        throw new AssertionException($"{reason}\n{_program} {string.Join(' ', _arguments)}\n"
            + $"--- serial log ({log.Length} chars) ---\n{log}\n--- end of serial log ---{stderr}");
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
