namespace NexOS.Storage.Block;

/// <summary>The device side of the scheduler: one call per dispatch unit, through the merge
/// buffer when several requests were merged, and the metrics.</summary>
public sealed partial class IoScheduler
{
    private StorageStatus Execute(IoRequest head)
    {
        int bs = _device.BlockSize;
        StorageStatus status;
        ulong started = head.SubmitNs;
        if (head.MergeNext == null)
        {
            Span<byte> data = head.Buffer.AsSpan(head.Offset, head.OwnCount * bs);
            status = head.Kind == IoKind.Read ? Transfer(IoKind.Read, head.Block, data, started) : TransferWrite(head.Block, data, started);
            Complete(head, status);
            return status;
        }

        if ((long)head.Count * bs > _mergeBuffer.Length)
        {
            // A policy built a longer chain than the merge buffer holds: send the members one
            // by one rather than overrun it.
            return ExecuteSeparately(head);
        }

        Span<byte> merged = _mergeBuffer.AsSpan(0, head.Count * bs);
        if (head.Kind == IoKind.Write)
        {
            int at = 0;
            for (IoRequest? r = head; r != null; r = r.MergeNext)
            {
                r.Buffer.AsSpan(r.Offset, r.OwnCount * bs).CopyTo(merged.Slice(at));
                at += r.OwnCount * bs;
            }

            status = TransferWrite(head.Block, merged, started);
        }
        else
        {
            status = Transfer(IoKind.Read, head.Block, merged, started);
            if (status == StorageStatus.Ok)
            {
                int at = 0;
                for (IoRequest? r = head; r != null; r = r.MergeNext)
                {
                    merged.Slice(at, r.OwnCount * bs).CopyTo(r.Buffer.AsSpan(r.Offset));
                    at += r.OwnCount * bs;
                }
            }
        }

        IoRequest? member = head;
        while (member != null)
        {
            IoRequest? next = member.MergeNext;
            Complete(member, status);
            member = next;
        }

        return status;
    }

    private StorageStatus ExecuteSeparately(IoRequest head)
    {
        StorageStatus first = StorageStatus.Ok;
        int bs = _device.BlockSize;
        IoRequest? member = head;
        ulong block = head.Block;
        while (member != null)
        {
            IoRequest? next = member.MergeNext;
            Span<byte> data = member.Buffer.AsSpan(member.Offset, member.OwnCount * bs);
            StorageStatus status = member.Kind == IoKind.Read
                ? Transfer(IoKind.Read, block, data, member.SubmitNs)
                : TransferWrite(block, data, member.SubmitNs);
            block += (ulong)member.OwnCount;
            first = first == StorageStatus.Ok ? status : first;
            Complete(member, status);
            member = next;
        }

        return first;
    }

    private StorageStatus Transfer(IoKind kind, ulong block, Span<byte> data, ulong started)
    {
        StorageStatus status = _device.Read(block, data);
        Account(kind, data.Length, status, started);
        return status;
    }

    private StorageStatus TransferWrite(ulong block, ReadOnlySpan<byte> data, ulong started)
    {
        StorageStatus status = _device.Write(block, data);
        Account(IoKind.Write, data.Length, status, started);
        return status;
    }

    private void Account(IoKind kind, int bytes, StorageStatus status, ulong started)
    {
        if (_metrics == null)
        {
            return;
        }

        ulong now = _clock.NowNanoseconds;
        ulong latency = now >= started ? now - started : 0;
        _metrics.DeviceCalls.Increment();
        if (status != StorageStatus.Ok)
        {
            _metrics.Errors.Increment();
            return;
        }

        if (kind == IoKind.Read)
        {
            _metrics.BytesRead.Add(bytes);
            _metrics.ReadLatency.Record(latency);
        }
        else
        {
            _metrics.BytesWritten.Add(bytes);
            _metrics.WriteLatency.Record(latency);
        }
    }

    private void Complete(IoRequest request, StorageStatus status)
    {
        ulong now = _clock.NowNanoseconds;
        Policy.OnComplete(request, now >= request.SubmitNs ? now - request.SubmitNs : 0, now);
        IIoCompletion? completion = request.Completion;
        int tag = request.Tag;
        request.Buffer = Array.Empty<byte>();
        request.Completion = null;
        request.MergeNext = null;
        request.MergeTail = request;
        request.FreeNext = _free;
        _free = request;
        Queued--;
        _metrics?.QueueDepth.Set(Queued);
        completion?.Complete(tag, status);
    }
}
