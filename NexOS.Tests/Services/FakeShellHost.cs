using System.Text;
using NexOS.Services.Shell;

namespace NexOS.Tests.Services;

/// <summary>A shell host that records what the shell does. Its Panic throws, like the kernel's,
/// unless <see cref="PanicThrows"/> is cleared.</summary>
internal sealed class FakeShellHost : IShellHost
{
    private readonly StringBuilder _output = new();

    public string Version { get; set; } = "0.1.0-test";

    public TimeSpan Uptime { get; set; } = TimeSpan.FromMilliseconds(12345);

    public MemoryStats Memory { get; set; } = new(128UL << 20, 3UL << 20, 125UL << 20);

    public bool PanicThrows { get; set; } = true;

    public int Shutdowns { get; private set; }

    public int Reboots { get; private set; }

    public int Panics { get; private set; }

    public int Writes { get; private set; }

    public string Output => _output.ToString();

    public void Shutdown() => Shutdowns++;

    public void Reboot() => Reboots++;

    public void Panic()
    {
        Panics++;
        if (PanicThrows)
        {
            throw new InvalidOperationException("panic requested from the shell");
        }
    }

    public void Write(string text)
    {
        Writes++;
        _output.Append(text);
    }

    public void Clear() => _output.Clear();
}
