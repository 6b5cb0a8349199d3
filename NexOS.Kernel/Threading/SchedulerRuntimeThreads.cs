using NexOS.Runtime;
using NexOS.Runtime.Gc;

namespace NexOS.Kernel.Threading;

/// <summary>The kernel's threads as the runtime layer sees them (IRuntimeThreads), attached
/// by <see cref="Scheduler.Initialize"/> once the scheduler runs (before that, the runtime
/// layer's platform answers for the boot stack itself).</summary>
internal sealed class SchedulerRuntimeThreads : IRuntimeThreads
{
    public bool IsOnOwnStack(ulong sp)
    {
        KernelThread me = Scheduler.Current;
        return sp > me.StackBottom && sp < me.StackTop;
    }

    public void ScanThreads(ulong sp)
    {
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

    public ulong CurrentThreadId() => (ulong)Scheduler.Current.Id + 1;

    public void GetCurrentStackBounds(out ulong low, out ulong high)
    {
        low = Scheduler.Current.StackBottom;
        high = Scheduler.Current.StackTop;
    }

    public bool Yield()
    {
        Scheduler.Yield();
        return true;
    }

    public ulong RealTimeSlackNs(ulong now) => Scheduler.RealTimeSlackNs(now);
}
