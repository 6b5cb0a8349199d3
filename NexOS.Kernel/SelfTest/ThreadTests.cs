using Volatile = System.Threading.Volatile;
using NexOS.Core.Scheduling;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Threading;

namespace NexOS.Kernel.SelfTest;

/// <summary>Self tests of kernel threads: switching, preemption, blocking primitives, thread
/// statics, faults, policy swaps and real-time admission.</summary>
internal static class ThreadTests
{
    private const ulong Millisecond = 1_000_000;

    [ThreadStatic]
    private static int s_perThread;

    public static void Register()
    {
        SelfTestRunner.Add("thread spawn and join", SpawnAndJoin);
        SelfTestRunner.Add("a 32 KiB frame is probed page by page", LargeFrame);
        SelfTestRunner.Add("timer preemption", Preemption);
        SelfTestRunner.Add("sleep", SleepLastsAtLeastItsTime);
        SelfTestRunner.Add("kernel mutex", MutexExcludes);
        SelfTestRunner.Add("kernel semaphore", SemaphoreCounts);
        SelfTestRunner.Add("kernel condition variable", ConditionWakes);
        SelfTestRunner.Add("lock contention across threads", ClassLibraryLock);
        SelfTestRunner.Add("thread statics", ThreadStatics);
        SelfTestRunner.Add("exited threads give their stacks back", ExitedThreadsAreReaped);
        SelfTestRunner.Add("exception ends only its thread", FaultingThread);
        SelfTestRunner.Add("policy swap while threads run", PolicySwap);
        SelfTestRunner.Add("real-time admission", RealTimeAdmission);
    }

    private static void SpawnAndJoin()
    {
        int result = 0;
        KernelThread t = Scheduler.Spawn("join-test", () => result = 42);
        Scheduler.Join(t);
        Expect.Equal(42, result, "the body ran before join returned");
        Expect.True(t.Sched.State == ThreadState.Exited, "joined thread has exited");
    }

    private static void LargeFrame()
    {
        // Its prolog calls the stack probe (the frame is over three pages), which touches each of
        // the frame's eight pages on the thread's own stack; the zeroed frame then reads back.
        int result = -1;
        KernelThread t = Scheduler.Spawn("big-frame-ok", () => result = HalfStackFrame(5));
        Scheduler.Join(t);
        Expect.Equal(5, result, "the frame was written and read back");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int HalfStackFrame(int seed)
    {
        HalfStackBlock frame = default;
        frame[HalfStackBlock.Length - 1] = (byte)seed;
        frame[0] = (byte)(seed + frame[1]);
        return frame[0] + frame[HalfStackBlock.Length - 2];
    }

    /// <summary>32 KiB as one local: about half of a thread's stack.</summary>
    [System.Runtime.CompilerServices.InlineArray(Length)]
    private struct HalfStackBlock
    {
        public const int Length = 32 * 1024;

        private byte _first;
    }

    private static void Preemption()
    {
        // Two threads that never block or yield: only the timer can interleave them.
        long a = 0;
        long b = 0;
        bool stop = false;
        KernelThread ta = Scheduler.Spawn("spin-a", () => Spin(ref a, ref stop));
        KernelThread tb = Scheduler.Spawn("spin-b", () => Spin(ref b, ref stop));
        Scheduler.Sleep(60 * Millisecond);
        Volatile.Write(ref stop, true);
        Scheduler.Join(ta);
        Scheduler.Join(tb);
        Expect.True(a > 0 && b > 0, $"both spinners ran ({a}, {b})");
        Expect.True(ta.Sched.Switches > 0 && ta.Sched.CpuTimeNs > 0, "accounting recorded switches and CPU time");
    }

    private static void SleepLastsAtLeastItsTime()
    {
        ulong start = Tsc.NowNs;
        Scheduler.Sleep(5 * Millisecond);
        Expect.True(Tsc.NowNs - start >= 5 * Millisecond, "woke no earlier than asked");
    }

    private static void MutexExcludes()
    {
        var mutex = new KernelMutex();
        int counter = 0;
        var threads = new List<KernelThread>();
        for (int i = 0; i < 4; i++)
        {
            threads.Add(Scheduler.Spawn($"mutex-{i}", () =>
            {
                for (int n = 0; n < 200; n++)
                {
                    mutex.Lock();
                    int seen = counter;
                    Scheduler.Yield(); // invite a race the mutex must prevent
                    counter = seen + 1;
                    mutex.Unlock();
                }
            }));
        }

        JoinAll(threads);
        Expect.Equal(800, counter, "increments under the mutex");
    }

    private static void SemaphoreCounts()
    {
        var items = new KernelSemaphore(0);
        var slots = new KernelSemaphore(2);
        var buffer = new Queue<int>();
        int sum = 0;
        KernelThread producer = Scheduler.Spawn("producer", () =>
        {
            for (int i = 1; i <= 50; i++)
            {
                slots.Wait();
                buffer.Enqueue(i);
                items.Release();
            }
        });
        KernelThread consumer = Scheduler.Spawn("consumer", () =>
        {
            for (int i = 0; i < 50; i++)
            {
                items.Wait();
                sum += buffer.Dequeue();
                slots.Release();
            }
        });
        JoinAll(new List<KernelThread> { producer, consumer });
        Expect.Equal(1275, sum, "every item went through the bounded buffer");
        Expect.True(!new KernelSemaphore(0).Wait(2 * Millisecond), "a wait with nothing to take times out");
    }

    private static void ConditionWakes()
    {
        var mutex = new KernelMutex();
        var ready = new KernelCondition();
        bool flag = false;
        KernelThread waiter = Scheduler.Spawn("cond-waiter", () =>
        {
            mutex.Lock();
            while (!flag)
            {
                ready.Wait(mutex);
            }

            mutex.Unlock();
        });
        Scheduler.Sleep(2 * Millisecond);
        mutex.Lock();
        flag = true;
        ready.Signal();
        mutex.Unlock();
        Scheduler.Join(waiter);
        Expect.True(flag, "waiter saw the condition");
    }

    private static void ClassLibraryLock()
    {
        object gate = new();
        int counter = 0;
        var threads = new List<KernelThread>();
        for (int i = 0; i < 4; i++)
        {
            threads.Add(Scheduler.Spawn($"lock-{i}", () =>
            {
                for (int n = 0; n < 100; n++)
                {
                    lock (gate)
                    {
                        int seen = counter;
                        Scheduler.Yield();
                        counter = seen + 1;
                    }
                }
            }));
        }

        JoinAll(threads);
        Expect.Equal(400, counter, "C# lock excluded across kernel threads");
    }

    private static void ExitedThreadsAreReaped()
    {
        // One round first, so that the heap pages the bookkeeping needs are already there.
        Scheduler.Join(Scheduler.Spawn("reap-warm-up", () => { }));
        long before = Memory.PhysicalMemory.Frames!.FreeFrames;
        for (int i = 0; i < 40; i++)
        {
            Scheduler.Join(Scheduler.Spawn("reap-" + i.ToString(), () => { }));
        }

        Scheduler.Join(Scheduler.Spawn("reap-last", () => { }));
        long lost = before - Memory.PhysicalMemory.Frames.FreeFrames;
        Expect.True(lost < 40, $"41 threads came and went; {lost} frames not returned (a stack is 16)");
    }

    private static void ThreadStatics()
    {
        s_perThread = 7;
        int other = -1;
        Scheduler.Join(Scheduler.Spawn("tls", () =>
        {
            other = s_perThread;
            s_perThread = 99;
        }));
        Expect.Equal(0, other, "a new thread starts with its own zeroed thread static");
        Expect.Equal(7, s_perThread, "this thread's value was untouched");
    }

    private static void FaultingThread()
    {
        KernelThread t = Scheduler.Spawn("faulty", () => throw new InvalidOperationException("thread failure on purpose"));
        Scheduler.Join(t);
        Expect.True(t.Fault is InvalidOperationException, "the fault was recorded");
    }

    private static void PolicySwap()
    {
        long a = 0;
        long b = 0;
        bool stop = false;
        KernelThread ta = Scheduler.Spawn("swap-a", () => Spin(ref a, ref stop));
        KernelThread tb = Scheduler.Spawn("swap-b", () => Spin(ref b, ref stop));
        Scheduler.Sleep(10 * Millisecond);
        string old = Scheduler.ReplaceNormalPolicy("priority")!;
        Scheduler.Sleep(10 * Millisecond);
        Scheduler.ReplaceNormalPolicy(old);
        Scheduler.Sleep(10 * Millisecond);
        Volatile.Write(ref stop, true);
        JoinAll(new List<KernelThread> { ta, tb });
        Expect.True(a > 0 && b > 0, "threads kept running across two swaps");
    }

    private static void RealTimeAdmission()
    {
        int runs = 0;
        KernelThread? rt = Scheduler.SpawnRealTime("rt-test", () =>
        {
            for (int i = 0; i < 5; i++)
            {
                runs++;
                Scheduler.Sleep(Millisecond);
            }
        }, 10 * Millisecond, Millisecond, out string? error);
        Expect.True(rt != null, $"a 10% reservation is admitted ({error})");
        // 95%: beyond the limit (90%) of every CPU, so no CPU's real-time policy admits it.
        KernelThread? tooBig = Scheduler.SpawnRealTime("rt-greedy", () => { }, 10 * Millisecond, 95 * Millisecond / 10, out string? refusal);
        Expect.True(tooBig == null && refusal != null, "a reservation beyond every CPU's utilization limit is refused");
        Scheduler.Join(rt!);
        Expect.Equal(5, runs, "the real-time thread ran to the end");
    }

    private static void Spin(ref long counter, ref bool stop)
    {
        while (!Volatile.Read(ref stop))
        {
            counter++;
        }
    }

    private static void JoinAll(List<KernelThread> threads)
    {
        foreach (KernelThread t in threads)
        {
            Scheduler.Join(t);
        }
    }
}
