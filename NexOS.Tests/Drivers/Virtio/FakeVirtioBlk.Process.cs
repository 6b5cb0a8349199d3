using NexOS.Drivers.Hardware;

namespace NexOS.Tests.Drivers.Virtio;

/// <summary>The device side of the queue.</summary>
internal sealed partial class FakeVirtioBlk
{
    /// <summary>Executes up to <paramref name="max"/> new available chains.</summary>
    public int Process(int max = int.MaxValue)
    {
        if (Silent || !QueueEnabled || (Status & 4) == 0 || QueueSize == 0)
        {
            return 0;
        }

        int availOff = Offset(AvailAddress);
        int usedOff = Offset(UsedAddress);
        int descOff = Offset(DescAddress);
        ushort availIdx = Dma.ReadUInt16(availOff + 2);
        int done = 0;
        while (LastAvail != availIdx && done < max)
        {
            ushort head = Dma.ReadUInt16(availOff + 4 + (2 * (LastAvail % QueueSize)));
            LastAvail++;
            (uint written, byte status, bool flush, int statusAt) = Execute(descOff, head);
            Dma.WriteByte(statusAt, StatusOverride?.Invoke(status) ?? status);
            CountProcessed(flush);
            done++;
            int at = usedOff + 4 + (8 * (UsedIdx % QueueSize));
            Dma.WriteUInt32(at, UsedIdOverride?.Invoke(Processed, head) ?? head);
            Dma.WriteUInt32(at + 4, UsedLengthOverride?.Invoke(written) ?? written);
            UsedIdx++;
        }

        if (done > 0)
        {
            DmaRegion.Fence();
            Dma.WriteUInt16(usedOff + 2, (ushort)(UsedIdx + UsedIndexExtra));
            Isr |= 1;
        }

        return done;
    }


    // Reused so that the device model itself allocates nothing per request (the allocation
    // test measures the driver and the model together).
    private readonly List<(int Offset, int Length)> _segments = new(16);

    private (uint Written, byte Status, bool Flush, int StatusAt) Execute(int descOff, ushort head)
    {
        List<(int Offset, int Length)> segments = _segments;
        segments.Clear();
        ushort d = head;
        for (int i = 0; i < QueueSize; i++)
        {
            int at = descOff + (16 * d);
            segments.Add((Offset(Dma.ReadUInt64(at)), (int)Dma.ReadUInt32(at + 8)));
            if ((Dma.ReadUInt16(at + 12) & 1) == 0)
            {
                break;
            }

            d = Dma.ReadUInt16(at + 14);
        }

        int header = segments[0].Offset;
        uint type = Dma.ReadUInt32(header);
        ulong sector = Dma.ReadUInt64(header + 8);
        int statusAt = segments[^1].Offset;
        uint written = 1;
        byte status = 0;
        bool flush = false;
        long pos = (long)sector * 512;
        for (int i = 1; i < segments.Count - 1; i++)
        {
            (int off, int len) = segments[i];
            if (type is 0 or 1 && (pos < 0 || pos + len > Disk.Length))
            {
                status = 1;
                break;
            }

            switch (type)
            {
                case 0:
                    Disk.AsSpan((int)pos, len).CopyTo(Dma.Span.Slice(off));
                    written += (uint)len;
                    break;
                case 1:
                    if ((DriverFeatures & (1UL << 5)) != 0)
                    {
                        status = 1;
                    }
                    else
                    {
                        Dma.Span.Slice(off, len).CopyTo(Disk.AsSpan((int)pos));
                    }

                    break;
                case 8:
                    Id.AsSpan(0, Math.Min(len, Id.Length)).CopyTo(Dma.Span.Slice(off));
                    written += (uint)Math.Min(len, Id.Length);
                    break;
            }

            pos += len;
        }

        if (type == 4)
        {
            flush = true;
        }
        else if (type is not (0 or 1 or 8))
        {
            status = 2;
        }

        return (written, status, flush, statusAt);
    }
}
