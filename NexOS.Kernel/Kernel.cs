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
        try
        {
            Level1();
        }
        catch (InvalidOperationException e)
        {
            DebugSerial.Write($"caught {e.GetType().Name}: {e.Message}\n");
        }
        finally
        {
            DebugSerial.Write("finally ran\n");
        }

        try
        {
            try
            {
                Level1();
            }
            catch (Exception)
            {
                DebugSerial.Write("rethrowing\n");
                throw;
            }
        }
        catch (Exception e) when (e.Message.Contains("deep"))
        {
            DebugSerial.Write($"filter caught rethrow: {e.Message}\n{e.StackTrace}\n");
        }

        Native.OutB(0xf4, 0);
    }

    private static void Level1() => Level2();

    private static void Level2()
    {
        try
        {
            Level3();
        }
        finally
        {
            DebugSerial.Write("inner finally\n");
        }
    }

    private static void Level3() => throw new InvalidOperationException("deep " + Tsc.Frequency.ToString());
}
