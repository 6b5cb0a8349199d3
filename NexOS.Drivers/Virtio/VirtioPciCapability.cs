using System.Buffers.Binary;

namespace NexOS.Drivers.Virtio;

/// <summary>The cfg_type values of virtio PCI vendor capabilities (virtio 1.0, 4.1.4).</summary>
public enum VirtioCfgType : byte
{
    None = 0,
    Common = 1,
    Notify = 2,
    Isr = 3,
    Device = 4,
    PciConfigAccess = 5,
}

/// <summary>One virtio vendor capability: where a configuration structure lives.</summary>
public readonly record struct VirtioPciCapability(VirtioCfgType CfgType, byte Bar, uint Offset, uint Length, uint NotifyOffMultiplier)
{
    /// <summary>The PCI capability ID of vendor-specific capabilities.</summary>
    public const byte VendorCapabilityId = 0x09;

    /// <summary>Parses one capability's bytes (starting at its ID byte). False for anything
    /// that is not a well-formed virtio capability: another ID, fewer than 16 bytes (20 for
    /// notify), a cap_len that disagrees, a BAR above 5, or a structure that wraps past
    /// 4 GiB.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out VirtioPciCapability capability)
    {
        capability = default;
        if (bytes.Length < 16 || bytes[0] != VendorCapabilityId || bytes[2] < 16 || bytes[2] > bytes.Length)
        {
            return false;
        }

        var type = (VirtioCfgType)bytes[3];
        byte bar = bytes[4];
        uint offset = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(8));
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(12));
        uint multiplier = 0;
        if (type == VirtioCfgType.Notify)
        {
            if (bytes[2] < 20)
            {
                return false;
            }

            multiplier = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(16));
        }

        if (bar > 5 || (ulong)offset + length > uint.MaxValue)
        {
            return false;
        }

        capability = new VirtioPciCapability(type, bar, offset, length, multiplier);
        return true;
    }
}

/// <summary>The four structures a modern virtio PCI device needs, found in its capabilities.</summary>
public readonly record struct VirtioPciLayout(VirtioPciCapability Common, VirtioPciCapability Notify, VirtioPciCapability Isr, VirtioPciCapability Device)
{
    /// <summary>PCI config space offset of the capabilities pointer.</summary>
    public const int CapabilitiesPointer = 0x34;

    // A 256-byte config space holds at most (256 - 64) / 4 capabilities; a longer walk means
    // the list loops.
    private const int MaxCapabilities = 48;

    /// <summary>
    /// Walks the capability list of a device's PCI configuration space
    /// (<paramref name="configSpace"/>, at least 64 bytes, normally 256) and takes the first
    /// virtio capability of each type, as the specification asks. Returns MissingCapability
    /// when the list is absent or one of the four is missing, BadCapability when one is too
    /// short for its structure. The walk is bounded: a looping or out-of-range list ends it.
    /// </summary>
    public static VirtioStatus Parse(ReadOnlySpan<byte> configSpace, out VirtioPciLayout layout)
    {
        layout = default;
        VirtioPciCapability common = default, notify = default, isr = default, device = default;
        if (configSpace.Length < 64 || (configSpace[0x06] & 0x10) == 0)
        {
            return VirtioStatus.MissingCapability;
        }

        int at = configSpace[CapabilitiesPointer] & 0xFC;
        for (int i = 0; i < MaxCapabilities && at >= 0x40 && at + 2 <= configSpace.Length; i++)
        {
            if (VirtioPciCapability.TryParse(configSpace.Slice(at), out VirtioPciCapability cap))
            {
                Take(ref common, cap, VirtioCfgType.Common);
                Take(ref notify, cap, VirtioCfgType.Notify);
                Take(ref isr, cap, VirtioCfgType.Isr);
                Take(ref device, cap, VirtioCfgType.Device);
            }

            at = configSpace[at + 1] & 0xFC;
        }

        return FromCapabilities(common, notify, isr, device, out layout);
    }

    /// <summary>Builds the layout from capabilities already parsed by the caller's PCI code;
    /// same checks as <see cref="Parse"/>.</summary>
    public static VirtioStatus FromCapabilities(VirtioPciCapability common, VirtioPciCapability notify, VirtioPciCapability isr, VirtioPciCapability device, out VirtioPciLayout layout)
    {
        layout = default;
        if (common.CfgType != VirtioCfgType.Common || notify.CfgType != VirtioCfgType.Notify || isr.CfgType != VirtioCfgType.Isr || device.CfgType != VirtioCfgType.Device)
        {
            return VirtioStatus.MissingCapability;
        }

        if (common.Length < VirtioPciTransport.CommonConfigLength || notify.Length < 2 || isr.Length < 1)
        {
            return VirtioStatus.BadCapability;
        }

        layout = new VirtioPciLayout(common, notify, isr, device);
        return VirtioStatus.Ok;
    }

    private static void Take(ref VirtioPciCapability slot, VirtioPciCapability cap, VirtioCfgType type)
    {
        if (cap.CfgType == type && slot.CfgType == VirtioCfgType.None)
        {
            slot = cap;
        }
    }
}
