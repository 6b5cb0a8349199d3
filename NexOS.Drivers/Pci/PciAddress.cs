namespace NexOS.Drivers.Pci;

/// <summary>A PCI function's location: segment group, bus, device (0-31) and function (0-7).
/// The constructor does not check the ranges; <see cref="IsValid"/> does, and the config
/// space implementations read all ones for an invalid address.</summary>
public readonly record struct PciAddress(ushort Segment, byte Bus, byte Device, byte Function)
{
    /// <summary>True when the device number is below 32 and the function below 8.</summary>
    public bool IsValid => Device < 32 && Function < 8;

    /// <summary>The address as lspci prints it: "bb:dd.f", with "ssss:" in front when the
    /// segment is not 0.</summary>
    public override string ToString() =>
        Segment == 0 ? $"{Bus:x2}:{Device:x2}.{Function}" : $"{Segment:x4}:{Bus:x2}:{Device:x2}.{Function}";
}
