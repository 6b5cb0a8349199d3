using System.Text;

namespace NexOS.Drivers.Pci;

/// <summary>
/// Text for an lspci-like tool. The short form is one line per function, such as
/// "00:1f.2 SATA controller [0106]: 8086:2922 rev 02 (AHCI)"; the verbose form adds indented
/// lines for the interrupt, the BARs, the capabilities and any problems found.
/// </summary>
public static class PciFormatter
{
    /// <summary>The one-line description of <paramref name="f"/>.</summary>
    public static string FormatLine(PciFunction f)
    {
        var sb = new StringBuilder(80);
        AppendLine(sb, f);
        return sb.ToString();
    }

    /// <summary>The one-line description followed by detail lines, each ending in '\n'.</summary>
    public static string FormatVerbose(PciFunction f)
    {
        var sb = new StringBuilder(512);
        AppendLine(sb, f);
        sb.Append('\n');
        if (f.HeaderType == 0 && (f.SubsystemVendorId != 0 || f.SubsystemId != 0))
        {
            sb.Append($"\tSubsystem: {f.SubsystemVendorId:x4}:{f.SubsystemId:x4}\n");
        }

        if (f.InterruptPin is >= 1 and <= 4)
        {
            sb.Append($"\tInterrupt: pin {(char)('A' + f.InterruptPin - 1)} routed to IRQ {f.InterruptLine}\n");
        }

        if (f.IsBridge)
        {
            sb.Append($"\tBus: secondary={f.SecondaryBus:x2}, subordinate={f.SubordinateBus:x2}\n");
        }

        foreach (PciBar bar in f.Bars)
        {
            AppendBar(sb, bar);
        }

        foreach (PciCapability c in f.Capabilities)
        {
            AppendCapability(sb, f, c);
        }

        if (f.Issues != PciIssues.None)
        {
            sb.Append($"\tProblems: {f.Issues}\n");
        }

        return sb.ToString();
    }

    /// <summary>A size as lspci prints it: bytes below 1 KiB, else the largest whole unit (K, M, G, T).</summary>
    public static string FormatSize(ulong size)
    {
        string[] units = { string.Empty, "K", "M", "G", "T" };
        int unit = 0;
        while (unit < units.Length - 1 && size >= 1024 && size % 1024 == 0)
        {
            size /= 1024;
            unit++;
        }

        return $"{size}{units[unit]}";
    }

    private static void AppendLine(StringBuilder sb, PciFunction f)
    {
        sb.Append(f.Address.ToString());
        sb.Append($" {PciClassNames.Describe(f.ClassCode, f.Subclass)} [{f.ClassCode:x2}{f.Subclass:x2}]: {f.VendorId:x4}:{f.DeviceId:x4}");
        if (f.Revision != 0)
        {
            sb.Append($" rev {f.Revision:x2}");
        }

        string? progIf = PciClassNames.DescribeProgIf(f.ClassCode, f.Subclass, f.ProgIf);
        if (progIf != null)
        {
            sb.Append($" ({progIf})");
        }
    }

    private static void AppendBar(StringBuilder sb, PciBar bar)
    {
        switch (bar.Kind)
        {
            case PciBarKind.Io:
                sb.Append($"\tRegion {bar.Index}: I/O ports at {bar.Address:x4}{SizeSuffix(bar.Size)}\n");
                break;
            case PciBarKind.Memory32:
            case PciBarKind.Memory64:
                string width = bar.Kind == PciBarKind.Memory64 ? "64-bit" : "32-bit";
                string prefetch = bar.Prefetchable ? "prefetchable" : "non-prefetchable";
                sb.Append($"\tRegion {bar.Index}: Memory at {bar.Address:x8} ({width}, {prefetch}){SizeSuffix(bar.Size)}\n");
                break;
            case PciBarKind.Invalid:
                sb.Append($"\tRegion {bar.Index}: invalid (ignored)\n");
                break;
        }
    }

    private static string SizeSuffix(ulong size) => size == 0 ? string.Empty : $" [size={FormatSize(size)}]";

    private static void AppendCapability(StringBuilder sb, PciFunction f, PciCapability c)
    {
        string name = PciClassNames.DescribeCapability(c.Id) ?? $"Unknown {c.Id:x2}";
        sb.Append($"\tCapabilities: [{c.Offset:x2}] {name}");
        if (c.Id == PciCapabilityId.Msi && f.Msi is PciMsiInfo msi && msi.Offset == c.Offset)
        {
            sb.Append($": Enable{Flag(msi.Enabled)} Count=1/{msi.MaxVectors} Maskable{Flag(msi.PerVectorMasking)} 64bit{Flag(msi.Is64Bit)}");
        }
        else if (c.Id == PciCapabilityId.MsiX && f.MsiX is PciMsiXInfo x && x.Offset == c.Offset)
        {
            sb.Append($": Enable{Flag(x.Enabled)} Count={x.TableSize} Table: BAR{x.TableBar}+{x.TableOffset:x} PBA: BAR{x.PbaBar}+{x.PbaOffset:x}");
        }
        else if (c.Id == PciCapabilityId.VendorSpecific)
        {
            sb.Append($": Len={c.Bytes.Length:x2}");
        }

        sb.Append('\n');
    }

    private static char Flag(bool on) => on ? '+' : '-';
}
