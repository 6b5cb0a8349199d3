namespace NexOS.Drivers.Pci;

/// <summary>How an enumeration ended.</summary>
public enum PciScanStatus
{
    /// <summary>Every reachable bus was scanned.</summary>
    Ok,

    /// <summary>The starting bus is not reachable through the config space.</summary>
    NoSuchBus,

    /// <summary>More functions answered than the limit allows; the list holds the first ones.</summary>
    TooManyFunctions,
}

/// <summary>
/// Finds the PCI functions of a segment: scans bus 0 (and the buses of further host bridges
/// at 00:00.1-7), and the bus behind each PCI-to-PCI bridge. Every loop is bounded, and each
/// bus is scanned at most once, so a hostile config space (bridges naming each other, a
/// capability list that loops, BARs that read back anything) cannot make it hang; what it
/// finds wrong is recorded in <see cref="PciFunction.Issues"/>.
/// With <see cref="SizeBars"/> set, BARs are sized by writing all ones to them with the
/// function's decoding turned off meanwhile; that must run before drivers use the devices.
/// </summary>
public sealed partial class PciEnumerator
{
    /// <summary>The default for <see cref="MaxFunctions"/>: far more than any real machine has.</summary>
    public const int DefaultMaxFunctions = 4096;

    private const int BusCount = 256;
    private const int DevicesPerBus = 32;
    private const int FunctionsPerDevice = 8;

    private readonly IPciConfigSpace _config;
    private readonly bool[] _scanned = new bool[BusCount];
    private readonly byte[] _queue = new byte[BusCount];

    /// <summary>Creates an enumerator over <paramref name="config"/>.</summary>
    public PciEnumerator(IPciConfigSpace config)
    {
        _config = config;
    }

    /// <summary>Size the BARs (writes to the devices); when false only their addresses and kinds are read.</summary>
    public bool SizeBars { get; set; } = true;

    /// <summary>The scan stops (with <see cref="PciScanStatus.TooManyFunctions"/>) after this many functions.</summary>
    public int MaxFunctions { get; set; } = DefaultMaxFunctions;

    /// <summary>
    /// Scans segment <paramref name="segment"/> from <paramref name="startBus"/> and appends each
    /// function found to <paramref name="found"/>, bus by bus in the order buses were reached.
    /// Returns <see cref="PciScanStatus.NoSuchBus"/> when the start bus cannot be reached.
    /// </summary>
    public PciScanStatus Enumerate(List<PciFunction> found, ushort segment = 0, byte startBus = 0)
    {
        if (!_config.CoversBus(segment, startBus))
        {
            return PciScanStatus.NoSuchBus;
        }

        Array.Clear(_scanned);
        int head = 0;
        int tail = 0;
        _queue[tail++] = startBus;
        _scanned[startBus] = true;
        int limit = found.Count + Math.Max(0, MaxFunctions);

        // Each bus enters the queue once (guarded by _scanned), so this runs at most 256 times.
        while (head < tail)
        {
            byte bus = _queue[head++];
            for (byte device = 0; device < DevicesPerBus; device++)
            {
                var first = new PciAddress(segment, bus, device, 0);
                if (_config.Read16(first, PciRegisters.VendorId) == 0xFFFF)
                {
                    continue;
                }

                bool multi = (_config.Read8(first, PciRegisters.HeaderType) & 0x80) != 0;
                for (byte function = 0; function < (multi ? FunctionsPerDevice : 1); function++)
                {
                    var address = new PciAddress(segment, bus, device, function);
                    if (_config.Read16(address, PciRegisters.VendorId) == 0xFFFF)
                    {
                        continue;
                    }

                    if (found.Count >= limit)
                    {
                        return PciScanStatus.TooManyFunctions;
                    }

                    PciFunction f = ReadFunction(address);
                    found.Add(f);
                    if (f.IsBridge)
                    {
                        Follow(f, bus, segment, ref tail);
                    }
                    else if (bus == startBus && device == 0 && function > 0 && f.ClassAndSubclass == 0x0600)
                    {
                        // More host bridges at 00:00.n: each is the root of bus n (the
                        // classic layout of machines with several host controllers).
                        Enqueue(function, segment, ref tail);
                    }
                }
            }
        }

        return PciScanStatus.Ok;
    }

    /// <summary>Reads everything about the function at <paramref name="address"/> (sizing its
    /// BARs when <see cref="SizeBars"/> is set). The caller has checked that it exists.</summary>
    public PciFunction ReadFunction(PciAddress address)
    {
        var f = new PciFunction(address)
        {
            VendorId = _config.Read16(address, PciRegisters.VendorId),
            DeviceId = _config.Read16(address, PciRegisters.DeviceId),
        };
        uint classRev = _config.Read32(address, PciRegisters.Revision);
        f.Revision = (byte)classRev;
        f.ProgIf = (byte)(classRev >> 8);
        f.Subclass = (byte)(classRev >> 16);
        f.ClassCode = (byte)(classRev >> 24);
        byte header = _config.Read8(address, PciRegisters.HeaderType);
        f.HeaderType = (byte)(header & 0x7F);
        f.IsMultiFunction = (header & 0x80) != 0;
        f.InterruptLine = _config.Read8(address, PciRegisters.InterruptLine);
        f.InterruptPin = _config.Read8(address, PciRegisters.InterruptLine + 1);
        int barCount = 0;
        int capabilityPointer = PciRegisters.CapabilityPointer;
        switch (f.HeaderType)
        {
            case 0:
                barCount = 6;
                f.SubsystemVendorId = _config.Read16(address, PciRegisters.SubsystemVendorId);
                f.SubsystemId = _config.Read16(address, PciRegisters.SubsystemVendorId + 2);
                break;
            case 1:
                barCount = 2;
                f.SecondaryBus = _config.Read8(address, PciRegisters.PrimaryBus + 1);
                f.SubordinateBus = _config.Read8(address, PciRegisters.PrimaryBus + 2);
                break;
            case 2:
                capabilityPointer = PciRegisters.CardBusCapabilityPointer;
                break;
        }

        f.Bars = ReadBars(f, barCount);
        ReadCapabilities(f, capabilityPointer);
        return f;
    }

    private void Follow(PciFunction bridge, byte bus, ushort segment, ref int tail)
    {
        byte secondary = bridge.SecondaryBus;
        if (secondary <= bus || secondary > bridge.SubordinateBus || !_config.CoversBus(segment, secondary))
        {
            bridge.Issues |= PciIssues.BridgeBusInvalid;
            return;
        }

        if (!Enqueue(secondary, segment, ref tail))
        {
            bridge.Issues |= PciIssues.BridgeLoop;
        }
    }

    private bool Enqueue(byte bus, ushort segment, ref int tail)
    {
        if (_scanned[bus] || !_config.CoversBus(segment, bus))
        {
            return false;
        }

        _scanned[bus] = true;
        _queue[tail++] = bus;
        return true;
    }
}
