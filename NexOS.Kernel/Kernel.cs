using System.Runtime;
using NexOS.Core.Boot;
using NexOS.Core.Acpi;
using NexOS.Core.Iommu;
using NexOS.Drivers.Display;
using NexOS.Drivers.Serial;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Boot;
using NexOS.Kernel.Commands;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Metrics;
using NexOS.Kernel.Benchmarks;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Platform;
using NexOS.Runtime;
using NexOS.Kernel.SelfTest;
using NexOS.Services.Shell;
using NexOS.Kernel.SelfEvolution;

namespace NexOS.Kernel;

/// <summary>
/// The kernel's main path, entered from boot.asm once the class library is initialised:
/// CPU tables, clock, boot information, console, power control, then the self tests or the
/// shell.
/// </summary>
internal static unsafe class Kernel
{
    public const string Version = "0.1.0";

    // The kernel log kept for the console service: a few hundred lines.
    private const int LogRingBytes = 64 * 1024;

    private static Uart16550? s_console;
    private static TextConsole? s_screen;
    private static readonly WaitQueue s_inputReady = new();
    private static KernelLogRing? s_logRing;

    public static BootInfo BootInfo { get; private set; } = null!;

    public static AcpiParseResult? Acpi { get; private set; }

    /// <summary>The ACPI DMAR table (the machine's IOMMUs), or null when it has none.</summary>
    public static Dmar? Dmar { get; private set; }

    /// <summary>The interrupt controller description, when the firmware has one.</summary>
    public static Madt? Madt { get; private set; }

    /// <summary>The COM1 driver once it is up; null before.</summary>
    public static Uart16550? Console => s_console;

    [RuntimeExport("NexOSMain")]
    private static void Main(uint magic, uint bootInfoAddress)
    {
        // The composition root: each layer gets what it needs from above as an interface or
        // function pointer here, so that no layer names one above it (docs/architecture.md).
        ArchSupport.UseAllocator(&BootHeap.Allocate);
        KernelLog.SetSink(new ConsoleLogSink());
        Interrupts.Initialize();
        KernelFaults.Install();
        UserMode.Initialize();
        Interrupts.SetUserHandlers(&Processes.UserFaults.OnFault, &Processes.UserFaults.OnReturnToUser);
        Tsc.Calibrate();
        WallClock.Initialize();
        if (!LocalApic.Initialize())
        {
            DebugSerial.Write("apic: no local APIC; the scheduler cannot preempt\n");
        }

        Cpus.InitializeBoot();

        // A kernel-lock hold or wait past 20 ms is reported with its owner (`locks`).
        KernelLock.Initialize(20_000_000);

        AppDomain.CurrentDomain.UnhandledException += OnUnhandledException;
        BootInfo = BootInfo.Parse(EarlyInit.BootInformation(bootInfoAddress));
        foreach (string warning in BootInfo.Warnings)
        {
            DebugSerial.Write($"boot information: {warning}\n");
        }

        PhysicalMemory.Initialize();
        RuntimePlatform.AttachPages(new RuntimePages());
        Runtime.Gc.GcHeap.Initialize();
        Runtime.Allocation.PrepareOutOfMemory();
        StartConsole();
        Acpi = BootInfo.Rsdp == null
            ? null
            : AcpiParser.ReadPowerInfo(BootInfo.Rsdp, IdentityMappedMemory.Instance);
        if (Acpi?.Error != null)
        {
            WriteLine($"acpi: {Acpi.Error}; shutdown and reboot fall back to legacy methods");
        }

        Madt = LoadMadt();
        if (Madt != null)
        {
            Interrupts.SwitchToIoApic(Madt);
        }

        // The kernel's own page tables replace the boot identity map. Firmware tables in
        // reserved memory stay mapped, in case a later driver needs them again.
        Dmar = LoadDmar();
        string? vmError = VirtualMemory.Initialize(BootInfo, Acpi?.Tables, Iommu.RegisterPages(Dmar));
        if (vmError != null)
        {
            DebugSerial.Write($"paging: {vmError}; staying on the boot identity map\n");
        }

        // Before any driver runs: from here on a device reaches only what it is given.
        Iommu.Initialize(Dmar, BootInfo.HasOption("nexos.noiommu"));
        if (Dmar != null)
        {
            WriteLine($"iommu: {Iommu.Status}");
        }

        // The boot archive of programs is read once, here; a bad one is reported, not fatal.
        WriteLine(BootPrograms.Archive.Summary);
        var hooks = new Hooks.KernelHookSites();
        RuntimePlatform.AttachGcBudget(hooks);
        Scheduler.Initialize(SchedulerSetup.CreatePolicy(), hooks);
        SelfEvolution.KernelEvolution.Initialize();
        Native.EnableInterrupts();
        StartOtherCpus();
        if (BootInfo.HasOption("nexos.selftest"))
        {
            RunSelfTests();
        }

        if (BootInfo.HasOption("nexos.bench"))
        {
            KernelBenchmarks.RunAll(WriteLine);
            RunUserBenchmarks();
            SelfTestRunner.ExitEmulator(true);
        }

        ulong ms = Tsc.SinceEntryNs / 1_000_000;
        WriteLine($"NexOS {Version} ready in {ms} ms");
        RunShell();
    }

    /// <summary>Starts the other processors the MADT lists, up to `nexos.cpus=N` CPUs in all
    /// (`nexos.nosmp`: none), when the page the start-up code runs from is RAM.</summary>
    private static void StartOtherCpus()
    {
        if (Madt == null || Madt.ProcessorApicIds.Count <= 1 || !LocalApic.IsEnabled || BootInfo.HasOption("nexos.nosmp"))
        {
            return;
        }

        int limit = PerCpu.MaxCpus;
        string? wanted = BootInfo.OptionValue("nexos.cpus");
        if (wanted != null && (!int.TryParse(wanted, out limit) || limit < 1))
        {
            WriteLine($"smp: nexos.cpus={wanted} is not a CPU count; starting every CPU");
            limit = PerCpu.MaxCpus;
        }

        bool trampolineIsRam = false;
        foreach (NexOS.Core.Memory.PhysRange r in BootInfo.UsableRanges())
        {
            trampolineIsRam |= r.Start.Value <= ApStartup.TrampolineBase && r.End.Value >= ApStartup.TrampolineBase + 4096;
        }

        if (!trampolineIsRam)
        {
            WriteLine("smp: the start-up page is not RAM on this machine; running on one CPU");
            return;
        }

        foreach (string problem in CpuStart.StartApplicationProcessors(Madt.ProcessorApicIds, limit))
        {
            WriteLine($"smp: {problem}");
        }
    }

    /// <summary>Writes a line on the console (the COM1 driver, or the polled writer before it;
    /// while a program owns COM1, the log ring its console service prints from).</summary>
    public static void WriteLine(string text) => Write(text + "\n");

    public static void Write(string text)
    {
        if (!InitLauncher.ScreenHandedOver)
        {
            s_screen?.Write(text);
        }

        KernelLogRing? ring = s_logRing;
        if (ring != null)
        {
            ring.Write(text); // a program owns COM1: the console service prints it
        }
        else if (s_console != null)
        {
            s_console.Write(text);
        }
        else
        {
            DebugSerial.Write(text);
        }
    }

    // The DMAR table, when the firmware has one (a machine with VT-d; QEMU's intel-iommu).
    private static Dmar? LoadDmar()
    {
        foreach (AcpiTableEntry entry in Acpi?.Tables ?? [])
        {
            if (entry.Signature == "DMAR" && entry.ChecksumValid)
            {
                string? error = AcpiTable.Load(IdentityMappedMemory.Instance, entry.Address, "DMAR", "DMAR", out byte[] table);
                return error == null ? Dmar.Parse(table) : null;
            }
        }

        return null;
    }

    private static Madt? LoadMadt()
    {
        if (Acpi == null)
        {
            return null;
        }

        foreach (AcpiTableEntry entry in Acpi.Tables)
        {
            if (entry.Signature == "APIC" && entry.ChecksumValid)
            {
                string? error = AcpiTable.Load(IdentityMappedMemory.Instance, entry.Address, "APIC", "MADT", out byte[] table);
                Madt madt = error == null ? Madt.Parse(table) : new Madt();
                if (error != null || madt.Error != null)
                {
                    WriteLine($"acpi: MADT unusable ({error ?? madt.Error}); device interrupts stay on the PIC");
                    return null;
                }

                return madt;
            }
        }

        return null;
    }

    private static void StartConsole()
    {
        var uart = new Uart16550(X64PortIo.Instance);
        if (!uart.Initialize())
        {
            DebugSerial.Write($"serial: {uart.InitializeError}; console output stays polled\n");
        }

        s_console = uart;
        Interrupts.Register(4, &OnComInterrupt);

        // Mirror the console on the screen when GRUB left it in text mode.
        FramebufferInfo? fb = BootInfo.Framebuffer;
        if (fb != null && fb.IsEgaText && fb.Address < IdentityMappedMemory.MappedLimit && fb.Width is > 0 and <= 256 && fb.Height is > 0 and <= 128)
        {
            s_screen = new TextConsole(new EgaTextCells(fb.Address, (int)fb.Width, (int)fb.Height));
        }
    }

    private static void OnComInterrupt()
    {
        Uart16550? console = s_console;
        if (console == null)
        {
            return;
        }

        KernelMetrics.SerialInterrupts.Increment();
        console.HandleInterrupt();
        if (console.Available > 0 && Scheduler.IsRunning)
        {
            Scheduler.WakeAll(s_inputReady);
        }
    }

    private static void RunSelfTests()
    {
        RuntimeTests.Register();
        ExceptionTests.Register();
        KernelTests.Register();
        GcTests.Register();
        ThreadTests.Register();
        IpcTests.Register();
        EvolveTests.Register();
        int failed = SelfTestRunner.RunAll(WriteLine);
        SelfTestRunner.ExitEmulator(failed == 0);
    }

    /// <summary>Feeds console input to the shell forever, halting while there is none.</summary>
    /// <summary>The user-space halves of the benchmarks: bin/ubench, which prints its own JSON
    /// lines; at most two minutes.</summary>
    private static void RunUserBenchmarks()
    {
        if (!Boot.BootPrograms.TryFind("ubench", out ReadOnlySpan<byte> file))
        {
            WriteLine("{\"bench\":\"user\",\"error\":\"no bin/ubench in the boot archive\"}");
            return;
        }

        Processes.Process? bench = Processes.ProcessTable.Spawn("ubench", file, new[] { "ubench" }, Array.Empty<Processes.Grant>(), out _, out string error);
        if (bench == null || !bench.Wait(120_000_000_000))
        {
            WriteLine($"{{\"bench\":\"user\",\"error\":\"{(bench == null ? error : "ubench did not finish in 2 minutes")}\"}}");
        }
    }

    /// <summary>The kernel's command set, for the kernel console or for the shell in ring 3
    /// (through <see cref="KernelCommandService"/>).</summary>
    private static Shell BuildShell(IShellHost host)
    {
        var shell = new Shell(host);
        Diagnostics.Register(shell);
        ThreadCommands.Register(shell);
        NetworkCommands.Register(shell);
        ProcessCommands.Register(shell);
        SystemCommands.Register(shell);
        IommuCommand.Register(shell);
        ProgramCommands.Register(shell);
        GcCommands.Register(shell);
        PatchCommands.Register(shell);
        EvolveCommands.Register(shell);
        return shell;
    }

    /// <summary>
    /// Hands the console to user space: starts init, which starts the console service and the
    /// shell, and waits while it runs. Returns when there is no init, when it cannot start, or
    /// when it has ended; the kernel console then takes COM1 back.
    /// </summary>
    private static void RunUserSpace()
    {
        Syscalls.SyscallDispatcher.SetKernelControl(KernelCommandService.Initialize(BuildShell));

        // While a program owns COM1, the kernel's log waits for the console service, which
        // prints it between its own writes (KernelLogRead), instead of cutting into them.
        var ring = new KernelLogRing(LogRingBytes);
        Syscalls.SyscallKernelLog.SetRing(ring);
        s_logRing = ring;
        if (!InitLauncher.TryStart(out string error))
        {
            TakeLogBack(ring);
            WriteLine($"init: {error}; the kernel console keeps COM1");
            Interrupts.Register(4, &OnComInterrupt);
            return;
        }

        Processes.Process init = InitLauncher.Init!;
        init.Wait(0);
        TakeLogBack(ring);
        WriteLine($"init ended (code {init.ExitCode}{(init.EndReason == null ? "" : ": " + init.EndReason)}); the kernel console takes COM1 back");
        Interrupts.Register(4, &OnComInterrupt);
    }

    /// <summary>The console writes the log again, starting with what nobody printed. Also
    /// the first step of a fatal report, which must not wait for a program to print it.</summary>
    private static void TakeLogBack(KernelLogRing? ring)
    {
        if (ring == null)
        {
            return;
        }

        s_logRing = null;
        Syscalls.SyscallKernelLog.SetRing(null);
        InitLauncher.TakeScreenBack();
        Span<byte> chunk = stackalloc byte[256];
        for (int n = ring.Read(chunk); n > 0; n = ring.Read(chunk))
        {
            Write(System.Text.Encoding.UTF8.GetString(chunk[..n]));
        }

        if (ring.Dropped > 0)
        {
            WriteLine($"kernel log: {ring.Dropped} bytes were lost while no console read them");
        }
    }

    private static void RunShell()
    {
        // Patches from outside arrive through the patchline service in ring 3 (COM2); the
        // inbox is the kernel's side of its PatchSubmit calls.
        var inbox = new Security.External.PatchInbox(SelfEvolution.KernelEvolution.Manager!);
        Syscalls.SyscallPatches.SetSink(inbox);
        Syscalls.SyscallState.SetState(new SelfEvolution.KernelState());
        PatchCommands.Inbox = inbox;
        if (!BootInfo.HasOption("nexos.kernelshell"))
        {
            RunUserSpace();
        }

        Shell shell = BuildShell(new KernelShellHost());
        var session = new ShellSession(shell);
        session.Start();
        Uart16550 console = s_console!;
        while (true)
        {
            Native.DisableInterrupts();
            console.Poll(); // bytes that arrived before the receive interrupt was on
            if (!console.TryRead(out byte b))
            {
                // Interrupts stay off from the check to the block, so no byte is missed.
                Scheduler.Block(s_inputReady);
                continue;
            }

            Native.EnableInterrupts();
            session.Feed(b);
        }
    }

    /// <summary>
    /// The last stop of an exception nothing caught: report it and halt. The class library
    /// raises this event from its dispatcher before it fails fast.
    /// </summary>
    private static void OnUnhandledException(object sender, UnhandledExceptionEventArgs args)
    {
        TakeLogBack(s_logRing);
        var e = args.ExceptionObject as Exception;
        string type = e?.GetType().FullName ?? args.ExceptionObject?.GetType().FullName ?? "?";
        WriteLine($"\nUnhandled exception: {type}: {e?.Message}");
        string? trace = null;
        try
        {
            trace = e?.StackTrace;
        }
        catch (Exception)
        {
            // The trace is a courtesy; the report must get out without it.
        }

        WriteLine(trace ?? "   (no stack trace)");
        WriteLine("NexOS halted.");
        Panic.Stop();
    }

    /// <summary>The kernel log's destination once the kernel is up: the console.</summary>
    private sealed class ConsoleLogSink : IKernelLogSink
    {
        public void Write(string text) => Kernel.Write(text);
    }
}
