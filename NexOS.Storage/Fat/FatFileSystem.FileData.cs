namespace NexOS.Storage.Fat;

/// <summary>File contents: reads and writes at an offset, extension with zeroed gaps, and
/// truncation. Whole sectors go straight to the device; only a write's or read's partial
/// first and last sectors pass through the cache.</summary>
public sealed partial class FatFileSystem
{
    /// <summary>Reads up to <paramref name="buffer"/>.Length bytes from <paramref name="offset"/>;
    /// <paramref name="read"/> is 0 at or past the end of the file. BadArgument for a handle
    /// that is not open; Corrupt when the chain is shorter than the size or broken (then
    /// <paramref name="read"/> counts the bytes read before the damage).</summary>
    public StorageStatus Read(int handle, ulong offset, Span<byte> buffer, out int read)
    {
        read = 0;
        if (!IsOpen(handle))
        {
            return StorageStatus.BadArgument;
        }
        uint size = _files[handle].Size;
        if (offset >= size)
        {
            return StorageStatus.Ok;
        }
        int total = (int)Math.Min((ulong)buffer.Length, size - offset);
        int clusterBytes = _geo.ClusterBytes;
        while (read < total)
        {
            ulong position = offset + (ulong)read;
            int inCluster = (int)(position % (uint)clusterBytes);
            StorageStatus status = ClusterAt(handle, (uint)(position / (uint)clusterBytes), false, out uint cluster);
            int chunk = Math.Min(clusterBytes - inCluster, total - read);
            if (status == StorageStatus.Ok)
            {
                chunk = ExtendRun(handle, cluster, chunk, total - read, grow: false);
                status = TransferInCluster(cluster, inCluster, buffer.Slice(read, chunk), default, write: false);
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            read += chunk;
        }
        return StorageStatus.Ok;
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>, allocating clusters and
    /// zero-filling any gap past the old end. ReadOnly for a handle opened without Write or a
    /// read-only device, TooLarge past 4 GiB - 1, NoSpace when the volume fills (then
    /// <paramref name="written"/> counts what was stored), BadArgument for a closed handle.</summary>
    public StorageStatus Write(int handle, ulong offset, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        StorageStatus status = CheckWritable(handle);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (offset + (ulong)data.Length > uint.MaxValue)
        {
            return StorageStatus.TooLarge;
        }
        if (offset > _files[handle].Size)
        {
            status = FillZeros(handle, offset);
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        status = WriteRaw(handle, offset, data, out written);
        ref OpenFile file = ref _files[handle];
        if (offset + (ulong)written > file.Size)
        {
            file.Size = (uint)(offset + (ulong)written);
        }
        StorageStatus published = Publish(handle);
        return status != StorageStatus.Ok ? status : published;
    }

    /// <summary>Sets the file's size: shorter frees the clusters past the new end, longer
    /// appends zeros. Same failures as <see cref="Write"/>.</summary>
    public StorageStatus Truncate(int handle, ulong size)
    {
        StorageStatus status = CheckWritable(handle);
        if (status != StorageStatus.Ok)
        {
            return status;
        }
        if (size > uint.MaxValue)
        {
            return StorageStatus.TooLarge;
        }
        ref OpenFile file = ref _files[handle];
        if (size > file.Size)
        {
            status = FillZeros(handle, size);
            StorageStatus grown = Publish(handle);
            return status != StorageStatus.Ok ? status : grown;
        }
        uint clusterBytes = (uint)_geo.ClusterBytes;
        uint keep = (uint)((size + clusterBytes - 1) / clusterBytes);
        if (keep == 0)
        {
            if (file.FirstCluster != 0)
            {
                status = FreeChain(file.FirstCluster);
                file.FirstCluster = 0;
            }
        }
        else
        {
            status = ClusterAt(handle, keep - 1, false, out uint last);
            if (status == StorageStatus.Ok)
            {
                status = NextCluster(last, out uint next, out bool end);
                if (status == StorageStatus.Ok && !end)
                {
                    status = WriteFat(last, EndOfChain);
                    if (status == StorageStatus.Ok)
                    {
                        status = FreeChain(next);
                    }
                }
            }
        }
        file.Size = (uint)size;
        for (int i = 0; i < _files.Length; i++)
        {
            if (SameFile(i, handle))
            {
                _files[i].PositionIndex = 0;
                _files[i].PositionCluster = 0;
            }
        }
        StorageStatus published = Publish(handle);
        return status != StorageStatus.Ok ? status : published;
    }

    private StorageStatus CheckWritable(int handle)
    {
        if (!IsOpen(handle))
        {
            return StorageStatus.BadArgument;
        }
        if (!_files[handle].Writable)
        {
            return StorageStatus.ReadOnly;
        }
        return CanWrite();
    }

    /// <summary>Appends zeros from the current size up to <paramref name="end"/>.</summary>
    private StorageStatus FillZeros(int handle, ulong end)
    {
        ref OpenFile file = ref _files[handle];
        while (file.Size < end)
        {
            int chunk = (int)Math.Min((ulong)_zeros.Length, end - file.Size);
            StorageStatus status = WriteRaw(handle, file.Size, _zeros.AsSpan(0, chunk), out int written);
            file.Size += (uint)written;
            if (status != StorageStatus.Ok)
            {
                return status;
            }
        }
        return StorageStatus.Ok;
    }

    private StorageStatus WriteRaw(int handle, ulong offset, ReadOnlySpan<byte> data, out int written)
    {
        written = 0;
        int clusterBytes = _geo.ClusterBytes;
        while (written < data.Length)
        {
            ulong position = offset + (ulong)written;
            int inCluster = (int)(position % (uint)clusterBytes);
            StorageStatus status = ClusterAt(handle, (uint)(position / (uint)clusterBytes), true, out uint cluster);
            int chunk = Math.Min(clusterBytes - inCluster, data.Length - written);
            if (status == StorageStatus.Ok)
            {
                chunk = ExtendRun(handle, cluster, chunk, data.Length - written, grow: true);
                status = TransferInCluster(cluster, inCluster, default, data.Slice(written, chunk), write: true);
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            written += chunk;
        }
        return StorageStatus.Ok;
    }

    /// <summary>Grows a transfer that starts in <paramref name="cluster"/> over the clusters that
    /// follow it on disk (next in the chain and next in number), so one device request covers
    /// them; with <paramref name="grow"/> the clusters are allocated at the chain's end while the
    /// allocator keeps handing out the next number. Moves the handle's position along. Stops at
    /// the first gap or error (the caller's next step reports the error).</summary>
    private int ExtendRun(int handle, uint cluster, int chunk, int remaining, bool grow)
    {
        ref OpenFile file = ref _files[handle];
        int clusterBytes = _geo.ClusterBytes;
        uint last = cluster;
        while (chunk < remaining && file.PositionCluster == last)
        {
            if (NextCluster(last, out uint next, out bool end) != StorageStatus.Ok)
            {
                break;
            }
            if (end)
            {
                if (!grow || AllocateCluster(last, out next) != StorageStatus.Ok)
                {
                    break;
                }
            }
            if (next != last + 1)
            {
                break;
            }
            file.PositionIndex++;
            file.PositionCluster = next;
            last = next;
            chunk += Math.Min(clusterBytes, remaining - chunk);
        }
        return chunk;
    }

    /// <summary>Moves bytes between a buffer and one cluster: a partial first sector and a partial
    /// last sector through the cache, the whole sectors between them directly.</summary>
    private StorageStatus TransferInCluster(uint cluster, int inCluster, Span<byte> readInto, ReadOnlySpan<byte> writeFrom, bool write)
    {
        int length = write ? writeFrom.Length : readInto.Length;
        int sectorSize = _geo.BytesPerSector;
        ulong lba = ClusterToSector(cluster) + (ulong)(inCluster / sectorSize);
        int offset = inCluster % sectorSize;
        int done = 0;
        while (done < length)
        {
            int remaining = length - done;
            StorageStatus status;
            int chunk;
            if (offset != 0 || remaining < sectorSize)
            {
                chunk = Math.Min(sectorSize - offset, remaining);
                status = _cache.Get(lba, true, out int slot);
                if (status == StorageStatus.Ok)
                {
                    Span<byte> sector = _cache.Data(slot).Slice(offset, chunk);
                    if (write)
                    {
                        writeFrom.Slice(done, chunk).CopyTo(sector);
                        _cache.MarkDirty(slot);
                    }
                    else
                    {
                        sector.CopyTo(readInto.Slice(done, chunk));
                    }
                }
                lba++;
                offset = 0;
            }
            else
            {
                int sectors = remaining / sectorSize;
                chunk = sectors * sectorSize;
                status = _cache.SyncRange(lba, (ulong)sectors, drop: write);
                if (status == StorageStatus.Ok)
                {
                    status = write ? _device.Write(lba, writeFrom.Slice(done, chunk)) : _device.Read(lba, readInto.Slice(done, chunk));
                    _dataWrites += write ? sectors : 0;
                }
                lba += (ulong)sectors;
            }
            if (status != StorageStatus.Ok)
            {
                return status;
            }
            done += chunk;
        }
        return StorageStatus.Ok;
    }
}
