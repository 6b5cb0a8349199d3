using System.Runtime;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Threading;

/// <summary>
/// Bringing the application processors into the kernel: for each, the boot CPU makes its
/// GDT and TSS, per-CPU block and idle thread, then starts it (ApStartup); the new CPU sets
/// itself up in <see cref="ApMain"/> and runs its idle thread, from which it takes threads
/// from the run queue like every CPU.
/// </summary>
internal static unsafe class CpuStart
{
    /// <summary>
    /// Starts the processors whose local APIC IDs are <paramref name="apicIds"/> (the boot
    /// CPU's own ID is skipped), at most <paramref name="limit"/> CPUs in all, boot CPU
    /// included. Returns one line per CPU that did not start; the others come online as soon
    /// as they get the kernel lock. Boot CPU, scheduler running, interrupts on.
    /// </summary>
    public static List<string> StartApplicationProcessors(List<byte> apicIds, int limit)
    {
        var problems = new List<string>();
        byte self = LocalApic.Id;
        int next = 1;
        foreach (byte apicId in apicIds)
        {
            if (apicId == self)
            {
                continue;
            }

            if (next >= limit || next >= PerCpu.MaxCpus)
            {
                break;
            }

            int cpu = next;
            Cpus.Assign(cpu, apicId);
            Gdt.Prepare(cpu);
            KernelThread idle = Scheduler.PrepareCpu(cpu);
            ulong flags = InterruptState.Disable();
            ulong* block = PerCpu.Create(cpu);
            string? error = ApStartup.Start(cpu, apicId, idle.StackTop, idle.ThreadPointer, block);
            InterruptState.Restore(flags);
            if (error != null)
            {
                // FIXME: a CPU that never arrived keeps its slot; the next one would reuse the
                // same trampoline while the first might still wake up late, so stop here.
                problems.Add(error);
                break;
            }

            next++;
        }

        return problems;
    }

    /// <summary>An application processor's first C#: smp.asm's nexos_ap_entry calls it on the
    /// CPU's idle stack with the kernel lock held and interrupts off. Loads the CPU's tables,
    /// sets up SYSCALL and the local APIC, and runs the idle thread; never returns.</summary>
    [RuntimeExport("NexOSApMain")]
    private static void ApMain(int cpu)
    {
        Gdt.Load(cpu);
        Idt.Load();
        UserMode.InitializeCpu();
        LocalApic.InitializeApplicationProcessor();
        VirtualMemory.AdoptKernelSpaceOnThisCpu();
        Scheduler.RunCpu(cpu);
    }
}
