using System.Collections.Generic;
using System.Runtime;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Boot;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel;

internal static class Kernel
{
    [RuntimeExport("NexOSMain")]
    private static void Main(uint magic, uint bootInfo)
    {
        Interrupts.Initialize();
        Tsc.Calibrate();
        var d = new Dictionary<string, int>();
        d["x"] = 42;
        var list = new List<int> { 1, 2, 3 };
        ulong ms = Tsc.ToNanoseconds(Tsc.Now - EarlyInit.EntryTsc) / 1_000_000;
        DebugSerial.Write($"NexOS 0.1.0 ready in {ms} ms d={d["x"]} n={list.Count} pi={3.14159:F2}\n");
        Native.OutB(0xf4, 0);
    }
}
