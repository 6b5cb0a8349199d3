using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace NexOS.Tests.Boot;

/// <summary>
/// gdb with tools/gdb/nexos.py and the kernel's debug ELF (build/nexos.elf), as `./nexos debug`
/// starts it, reading its commands from a pipe that the test writes in steps (<see cref="Send"/>),
/// so the test can wait for what gdb printed and type at the guest's console in between. The
/// pipe stays open until Dispose: a gdb whose input ends while the guest runs stops waiting for
/// it ("Cannot execute this command while the target is running"). Collects the transcript
/// (stdout and stderr in order of arrival); Dispose kills gdb if it still runs.
/// </summary>
internal sealed class GdbSession : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _transcript = new();

    private GdbSession(string root)
    {
        var info = new ProcessStartInfo("gdb")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.Environment["NEXOS_ROOT"] = root;
        foreach (string argument in new[]
        {
            "-q", "-nx", "-ex", "set confirm off", "-x", Path.Combine(root, "tools", "gdb", "nexos.py"),
            Path.Combine(root, "build", "nexos.elf"),
        })
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(info) ?? throw new InvalidOperationException("Process.Start returned null");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new AssertionException($"cannot start gdb ({e.Message}); ./nexos build installs it (Debian package gdb)");
        }

        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Everything gdb has printed so far.</summary>
    public string Transcript
    {
        get
        {
            lock (_transcript)
            {
                return _transcript.ToString();
            }
        }
    }

    /// <summary>Starts gdb for the repository at <paramref name="root"/>.</summary>
    public static GdbSession Start(string root) => new(root);

    /// <summary>Gives gdb <paramref name="commands"/>, one per line.</summary>
    public void Send(string commands)
    {
        try
        {
            _process.StandardInput.Write(commands.Replace("\r\n", "\n") + "\n");
            _process.StandardInput.Flush();
        }
        catch (IOException e)
        {
            throw new AssertionException($"gdb ended before it took its commands ({e.Message}):\n{Transcript}");
        }
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listened on a moment ago.</summary>
    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Waits until <paramref name="text"/> is in the transcript; false on timeout or
    /// when gdb ended without printing it.</summary>
    public bool WaitFor(string text, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (!Transcript.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > end || TestContext.CurrentContext.CancellationToken.IsCancellationRequested)
            {
                return false;
            }

            if (_process.HasExited)
            {
                _process.WaitForExit();
                return Transcript.Contains(text, StringComparison.Ordinal);
            }

            Thread.Sleep(100);
        }

        return true;
    }

    /// <summary>Waits for gdb to end; false when it is still running after <paramref name="timeout"/>.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        _process.WaitForExit();
        return true;
    }

    public void Dispose()
    {
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
            // Ended between the check and the kill.
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line == null)
        {
            return;
        }

        lock (_transcript)
        {
            _transcript.Append(line).Append('\n');
        }
    }
}
