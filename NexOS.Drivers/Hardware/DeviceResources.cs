using System.Globalization;

namespace NexOS.Drivers.Hardware;

/// <summary>What one capability the device manager handed over is.</summary>
public enum ResourceKind
{
    /// <summary>A memory BAR's pages (an MMIO capability).</summary>
    Memory,

    /// <summary>An I/O BAR's ports (a port-range capability).</summary>
    Ports,

    /// <summary>The function's interrupt line.</summary>
    Interrupt,

    /// <summary>The manager's endpoint, badged for this function: configuration-space reads.</summary>
    Config,

    /// <summary>The endpoint the driver serves (a disk driver's `disk`, a network driver's `nic`).</summary>
    Served,

    /// <summary>A notification the driver signals for its client (a network driver's
    /// `netwake`: frames have arrived).</summary>
    Wake,
}

/// <summary>One resource: its capability slot, kind, BAR index (memory and ports), value (the
/// BAR's offset in its first page, the first port, or the interrupt line) and length (the
/// BAR's bytes or ports; 0 for the others).</summary>
public readonly record struct DeviceResource(int Slot, ResourceKind Kind, int Bar, ulong Value, ulong Length);

/// <summary>
/// The `res=` argument the device manager gives a driver (docs/services.md), parsed: entries
/// separated by commas, one per capability in slots 1, 2, ... in order.
/// `m<bar>:<hex offset>:<hex length>` is a memory BAR, `p<bar>:<hex port>:<hex count>` an I/O
/// BAR (neither empty), `q<line>` the interrupt, `c` the
/// configuration endpoint and `s` the endpoint to serve. Anything else makes the whole
/// argument invalid: a driver refuses to guess what a slot holds.
/// </summary>
public sealed class DeviceResources
{
    /// <summary>Most entries (the manager hands at most six BARs and three endpoints or lines).</summary>
    public const int MaxEntries = 12;

    private readonly List<DeviceResource> _entries;

    private DeviceResources(List<DeviceResource> entries) => _entries = entries;

    /// <summary>Every resource in slot order.</summary>
    public IReadOnlyList<DeviceResource> Entries => _entries;

    /// <summary>Parses the last argument of <paramref name="args"/> that starts with `res=`;
    /// false (and null) when there is none or it is malformed.</summary>
    public static bool TryParse(string[] args, out DeviceResources? resources)
    {
        resources = null;
        string? text = null;
        foreach (string a in args)
        {
            text = a.StartsWith("res=", StringComparison.Ordinal) ? a[4..] : text;
        }

        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var entries = new List<DeviceResource>();
        foreach (string entry in text.Split(','))
        {
            if (entries.Count == MaxEntries || !TryEntry(entry, entries.Count + 1, out DeviceResource r))
            {
                return false;
            }

            entries.Add(r);
        }

        resources = new DeviceResources(entries);
        return true;
    }

    /// <summary>The first resource of <paramref name="kind"/>, or null.</summary>
    public DeviceResource? Find(ResourceKind kind)
    {
        foreach (DeviceResource r in _entries)
        {
            if (r.Kind == kind)
            {
                return r;
            }
        }

        return null;
    }

    private static bool TryEntry(string entry, int slot, out DeviceResource resource)
    {
        resource = default;
        if (entry.Length == 0)
        {
            return false;
        }

        string rest = entry[1..];
        switch (entry[0])
        {
            case 'c' when rest.Length == 0:
                resource = new DeviceResource(slot, ResourceKind.Config, -1, 0, 0);
                return true;
            case 's' when rest.Length == 0:
                resource = new DeviceResource(slot, ResourceKind.Served, -1, 0, 0);
                return true;
            case 'w' when rest.Length == 0:
                resource = new DeviceResource(slot, ResourceKind.Wake, -1, 0, 0);
                return true;
            case 'q':
                bool line = uint.TryParse(rest, NumberStyles.None, CultureInfo.InvariantCulture, out uint irq) && irq < 256;
                resource = new DeviceResource(slot, ResourceKind.Interrupt, -1, irq, 0);
                return line;
            case 'm':
            case 'p':
                string[] parts = rest.Split(':');
                if (parts.Length != 3 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int bar) || bar > 5
                    || !ulong.TryParse(parts[1], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong value)
                    || !ulong.TryParse(parts[2], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong length) || length == 0)
                {
                    return false;
                }

                resource = new DeviceResource(slot, entry[0] == 'm' ? ResourceKind.Memory : ResourceKind.Ports, bar, value, length);
                return true;
            default:
                return false;
        }
    }
}
