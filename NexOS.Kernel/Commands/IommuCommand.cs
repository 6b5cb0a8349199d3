using System.Text;
using NexOS.Core.Iommu;
using NexOS.Kernel.Memory;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>`iommu`: what the IOMMU confines, each device's domain, and the DMA faults it
/// recorded (the newest 16; each is a device that tried to reach memory it was not given).</summary>
internal static class IommuCommand
{
    public static void Register(Shell shell) =>
        shell.Register("iommu", "the IOMMU: each device's DMA domain and the faults it blocked", Show);

    private static void Show(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length != 0)
        {
            host.Write("usage: iommu\n");
            return;
        }

        var sb = new StringBuilder();
        sb.Append("iommu: ").Append(Iommu.Status).Append('\n');
        VtdUnit? unit = Iommu.Unit;
        if (unit == null)
        {
            host.Write(sb.ToString());
            return;
        }

        VtdFault[] faults = Iommu.CollectFaults();
        sb.Append($"domains: {unit.Domains}\n");
        for (int id = 1; unit.Domain(id, out ushort source, out IommuPageTable? domain); id++)
        {
            sb.Append($"  {Name(source)}: {domain!.MappedPages} pages mapped, {domain.Tables} tables\n");
        }

        sb.Append($"faults: {Iommu.Faults}\n");
        foreach (VtdFault f in faults)
        {
            sb.Append($"  {Name(f.SourceId)} {(f.Write ? "wrote" : "read")} 0x{f.Address:x}: {Reason(f.Reason)}\n");
        }

        host.Write(sb.ToString());
    }

    private static string Name(ushort source) => $"{source >> 8:x2}:{(source >> 3) & 0x1F:x2}.{source & 7}";

    private static string Reason(byte code) => code switch
    {
        1 => "root entry not present (reason 1)",
        2 => "no context entry: the device was given no DMA memory (reason 2)",
        5 => "write refused: the page was not given to the device for writing (reason 5)",
        6 => "read refused: the page was not given to the device (reason 6)",
        _ => $"reason {code}",
    };
}
