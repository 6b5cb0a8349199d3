namespace NexOS.Kernel.Platform;

/// <summary>Where the kernel's messages go: the console the composition root sets up (the
/// COM1 driver and the screen), or polled COM1 before it exists.</summary>
internal interface IKernelLogSink
{
    void Write(string text);
}

/// <summary>
/// The kernel's log for every layer: a thread that ended by a fault, a process's end report,
/// a program's LogWrite. The layers below the console write here and never name it; the
/// composition root plugs the console in with <see cref="SetSink"/>. Allocates (strings);
/// not for interrupt handlers, which use <see cref="DebugSerial"/>.
/// </summary>
internal static class KernelLog
{
    private static IKernelLogSink? s_sink;

    public static void SetSink(IKernelLogSink sink) => s_sink = sink;

    public static void Write(string text)
    {
        if (s_sink != null)
        {
            s_sink.Write(text);
        }
        else
        {
            DebugSerial.Write(text);
        }
    }

    public static void WriteLine(string text) => Write(text + "\n");
}
