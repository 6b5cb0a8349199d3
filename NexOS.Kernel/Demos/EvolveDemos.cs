using NexOS.Services.Shell;

namespace NexOS.Kernel.Demos;

/// <summary>
/// `evolve demo &lt;name&gt;`: the seed's evolution scenarios, reproducible from the shell. Each
/// demo prints one JSON object per phase and a final result object, and runs on the shell's
/// thread without holding the patch manager's gate (the evolve thread keeps judging canaries).
/// </summary>
internal static class EvolveDemos
{
    /// <summary>The demos there are, for the usage line.</summary>
    public const string Names = "memory, memory-live, memory-trace, scheduler";

    /// <summary>Text made safe inside a JSON string of a demo's output (backslashes and quotes escaped).</summary>
    public static string JsonEscape(string s) => s.Replace("\\", "\\\\").Replace("\"", "\\\"");

    /// <summary>Runs demo <paramref name="name"/>, writing its JSON lines to <paramref name="host"/>.</summary>
    public static void Run(string name, IShellHost host)
    {
        switch (name)
        {
            case "memory":
                MemoryDemo.Run(host);
                break;
            case "memory-live":
                MemoryDemo.RunLive(host);
                break;
            case "memory-trace":
                host.Write(MemoryDemo.Pattern(1).Trace.Write());
                break;
            case "scheduler":
                SchedulerDemo.Run(host);
                break;
            default:
                host.Write($"evolve demo: no demo '{name}' ({Names})\n");
                break;
        }
    }
}
