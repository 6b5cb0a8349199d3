using NexOS.Kernel.Platform;
using NexOS.Runtime;
using NexOS.Runtime.Gc;

namespace NexOS.Kernel.Threading;

/// <summary>The kernel's threads as the runtime layer sees them (IRuntimeThreads), attached
/// by <see cref="Scheduler.Initialize"/>. While the boot code is the only thread, the
/// answers are the boot stack's.</summary>
internal sealed class SchedulerRuntimeThreads : IRuntimeThreads
{
    public bool IsOnOwnStack(ulong sp)
    {
        if (!Scheduler.IsRunning)
        {
            return sp > KernelImage.BootStackBottom && sp < KernelImage.BootStackTop;
        }

        KernelThread me = Scheduler.Current;
        return sp > me.StackBottom && sp < me.StackTop;
    }

    public void ScanThreads(ulong sp)
    {
        if (!Scheduler.IsRunning)
        {
            Marker.ScanRange(sp, KernelImage.BootStackTop);
            Collector.ScanThreadStatics(Native.ReadMsr(Native.FsBaseMsr));
            return;
        }

        KernelThread me = Scheduler.Current;
        Marker.ScanRange(sp, me.StackTop);
        Collector.ScanThreadStatics(me.ThreadPointer);
        for (int i = 0; i < Scheduler.ThreadSlots; i++)
        {
            KernelThread? t = Scheduler.ThreadAt(i);
            if (t == null || t == me)
            {
                continue;
            }

            if (t.SavedRsp >= t.StackBottom && t.SavedRsp <= t.StackTop)
            {
                Marker.ScanRange(t.SavedRsp, t.StackTop);
            }
            else
            {
                GcStatistics.BadStacks++;
            }

            Collector.ScanThreadStatics(t.ThreadPointer);
        }
    }

    public ulong CurrentThreadId() => Scheduler.IsRunning ? (ulong)Scheduler.Current.Id + 1 : 1;

    public void GetCurrentStackBounds(out ulong low, out ulong high)
    {
        bool threads = Scheduler.IsRunning;
        low = threads ? Scheduler.Current.StackBottom : KernelImage.BootStackBottom;
        high = threads ? Scheduler.Current.StackTop : KernelImage.BootStackTop;
    }

    public bool Yield()
    {
        if (!Scheduler.IsRunning)
        {
            return false;
        }

        Scheduler.Yield();
        return true;
    }

    public ulong RealTimeSlackNs(ulong now) => Scheduler.RealTimeSlackNs(now);
}
