using NexOS.Drivers.Acpi;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Boot;
using NexOS.Kernel.Platform;
using NexOS.Kernel.Runtime;
using NexOS.Services.Shell;

namespace NexOS.Kernel;

/// <summary>What the shell asks of the kernel: facts, power control and the console.</summary>
internal sealed class KernelShellHost : IShellHost
{
    private const ushort KeyboardController = 0x64;
    private const byte PulseResetLine = 0xFE;

    public string Version => Kernel.Version;

    public TimeSpan Uptime => TimeSpan.FromTicks((long)(Tsc.ToNanoseconds(Tsc.Now - EarlyInit.EntryTsc) / 100));

    public MemoryStats Memory
    {
        get
        {
            ulong total = EarlyInit.UsableBytes;
            ulong free = EarlyInit.FreeBytesAtBoot - Math.Min(BootHeap.BytesUsed, EarlyInit.FreeBytesAtBoot);
            return new MemoryStats(total, total - Math.Min(free, total), free);
        }
    }

    public void Shutdown()
    {
        AcpiPowerInfo? info = Kernel.Acpi?.Info;
        if (info != null && AcpiPower.Shutdown(info, X64PortIo.Instance))
        {
            WaitForPowerOff();
        }

        Write("shutdown: ACPI S5 power-off did not take effect\n");
    }

    public void Reboot()
    {
        AcpiPowerInfo? info = Kernel.Acpi?.Info;
        if (info != null && AcpiPower.Reset(info, X64PortIo.Instance))
        {
            WaitForPowerOff();
        }

        // The keyboard controller's reset line works on nearly every PC.
        Native.OutB(KeyboardController, PulseResetLine);
        WaitForPowerOff();
        Write("reboot: the machine did not reset\n");
    }

    public void Panic() => throw new InvalidOperationException("panic requested from the shell");

    public void Write(string text) => Kernel.Write(text);

    /// <summary>Gives a power-state change a moment to happen before reporting failure.</summary>
    private static void WaitForPowerOff()
    {
        ulong end = Tsc.Now + (Tsc.Frequency / 2);
        while (Tsc.Now < end)
        {
            Native.Pause();
        }
    }
}
