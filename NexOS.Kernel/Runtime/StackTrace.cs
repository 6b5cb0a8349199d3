using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Runtime;

/// <summary>Prints the call stack on COM1 without allocating.</summary>
internal static class StackTrace
{
    /// <summary>Walks the frame-pointer chain from a faulting context.
    /// FIXME: use the DWARF unwinder so frames without RBP chains are not skipped.</summary>
    public static unsafe void WriteFromFrame(ulong rip, ulong rsp, ulong rbp)
    {
        DebugSerial.Write("    stack:\n");
        WriteFrame(rip);
        for (int depth = 0; depth < 32; depth++)
        {
            if (rbp < 0x1000 || (rbp & 7) != 0 || rbp < rsp || rbp - rsp > (1UL << 20))
            {
                break;
            }

            ulong ret = ((ulong*)rbp)[1];
            ulong next = ((ulong*)rbp)[0];
            if (!KernelImage.IsCode(ret))
            {
                break;
            }

            WriteFrame(ret);
            rsp = rbp;
            rbp = next;
        }
    }

    private static void WriteFrame(ulong address)
    {
        DebugSerial.Write("      at ");
        KernelSymbols.WriteLocation(address);
        DebugSerial.Write("\n");
    }
}
