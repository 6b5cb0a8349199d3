using System.Buffers.Binary;

namespace NexOS.Security.External;

/// <summary>
/// Reassembles <see cref="PatchFrame"/>s from a byte stream that may hold noise, cut-off frames
/// and corrupted bytes. Bytes are buffered until a frame is complete; whenever a header or a
/// payload fails its check, the decoder reports the error and searches the bytes it already holds
/// for the next marker, starting one byte after the failed marker, so a good frame that arrived
/// behind a broken one is still found. A frame cut off by a quiet line is reported when the
/// owner calls <see cref="Expire"/> (the kernel does after half a second without bytes).
/// Contract: never throws on any input; memory is one buffer of
/// <see cref="PatchFrame.MaxFrameBytes"/> allocated up front; messages allocate only on errors.
/// </summary>
public sealed class PatchFrameDecoder
{
    private readonly IPatchFrameHandler _handler;
    private readonly byte[] _buffer = new byte[PatchFrame.MaxFrameBytes];
    private int _count;
    private int _frameLength; // 0 until the header in the buffer has been checked
    private int _garbage;

    /// <summary>Creates a decoder that reports to <paramref name="handler"/>.</summary>
    public PatchFrameDecoder(IPatchFrameHandler handler)
    {
        _handler = handler;
    }

    /// <summary>Frames delivered.</summary>
    public ulong Frames { get; private set; }

    /// <summary>Errors reported (garbage runs included).</summary>
    public ulong Errors { get; private set; }

    /// <summary>Bytes that were not part of any delivered frame.</summary>
    public ulong DroppedBytes { get; private set; }

    /// <summary>True while bytes of an unfinished frame (or marker) are buffered.</summary>
    public bool InFrame => _count > 0;

    /// <summary>True while anything awaits <see cref="Expire"/>: an unfinished frame, or noise
    /// not yet reported (noise is reported when the next frame starts or the line goes quiet).</summary>
    public bool HasPending => _count > 0 || _garbage > 0;

    /// <summary>Feeds bytes in order.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            Feed(b);
        }
    }

    /// <summary>Feeds one byte.</summary>
    public void Feed(byte b)
    {
        if (_count < PatchFrame.MarkerLength)
        {
            if (b == PatchFrame.Marker(_count))
            {
                _buffer[_count++] = b;
                if (_count == PatchFrame.MarkerLength)
                {
                    ReportGarbage(); // noise is reported once, when a frame begins after it
                }

                return;
            }

            // The marker's bytes are all different, so a partial marker that breaks off holds
            // no other marker start: it is noise, and only b itself may begin a new one.
            _garbage += _count + 1;
            _count = 0;
            if (b == PatchFrame.Marker(0))
            {
                _garbage--;
                _buffer[_count++] = b;
            }

            return;
        }

        _buffer[_count++] = b;
        Process();
    }

    /// <summary>The line has gone quiet: whatever is buffered will never complete. Reports it as
    /// truncated, then delivers any whole frames found behind it, and reports pending noise.</summary>
    public void Expire()
    {
        while (_count > 0)
        {
            if (_count >= PatchFrame.HeaderLength && _frameLength > 0)
            {
                Fail(PatchFrameError.Truncated, Sequence(), $"frame cut off: {_count} of {_frameLength} bytes arrived before the line went quiet");
            }
            else
            {
                Fail(PatchFrameError.Truncated, 0, $"frame cut off: {_count} bytes of a {PatchFrame.HeaderLength}-byte header arrived before the line went quiet");
            }

            Process(); // whole frames may sit behind the cut-off one
        }

        ReportGarbage();
    }

    private void Process()
    {
        while (_count >= PatchFrame.HeaderLength)
        {
            if (_frameLength == 0 && !CheckHeader())
            {
                continue; // CheckHeader reported the error and moved to the next marker
            }

            if (_count < _frameLength)
            {
                return;
            }

            int payloadLength = _frameLength - PatchFrame.HeaderLength - 4;
            ReadOnlySpan<byte> payload = _buffer.AsSpan(PatchFrame.HeaderLength, payloadLength);
            uint stored = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(PatchFrame.HeaderLength + payloadLength));
            uint actual = Crc32.Compute(payload);
            if (stored != actual)
            {
                Fail(PatchFrameError.BadChecksum, Sequence(), $"frame {Sequence()}: payload CRC-32 0x{actual:x8} does not match 0x{stored:x8} in the frame");
                continue;
            }

            Frames++;
            _handler.OnFrame((PatchFrameType)_buffer[4], Sequence(), payload);
            Resync(_frameLength, countAsGarbage: true);
        }
    }

    private bool CheckHeader()
    {
        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(11));
        if (stored != Crc32.Compute(_buffer.AsSpan(0, 11)))
        {
            Fail(PatchFrameError.BadHeader, 0, "frame header CRC-32 mismatch: header ignored, looking for the next frame");
            return false;
        }

        byte type = _buffer[4];
        if (type < (byte)PatchFrameType.Patch || type > (byte)PatchFrameType.Nak)
        {
            Fail(PatchFrameError.UnknownType, Sequence(), $"frame {Sequence()}: unknown frame type {type}");
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(7));
        if (length > PatchFrame.MaxPayload)
        {
            Fail(PatchFrameError.Oversize, Sequence(), $"frame {Sequence()}: payload of {length} bytes exceeds the limit of {PatchFrame.MaxPayload}");
            return false;
        }

        _frameLength = PatchFrame.FrameLength((int)length);
        return true;
    }

    private ushort Sequence() => BinaryPrimitives.ReadUInt16LittleEndian(_buffer.AsSpan(5));

    /// <summary>Reports an error about the frame at the start of the buffer and drops its marker,
    /// so the search for the next frame starts at the byte after it.</summary>
    private void Fail(PatchFrameError error, ushort sequence, string message)
    {
        Errors++;
        _handler.OnError(error, sequence, message);
        Resync(1, countAsGarbage: false);
        DroppedBytes++;
    }

    /// <summary>Drops the first <paramref name="start"/> bytes and any bytes after them up to the
    /// next (possibly partial) marker, keeping the rest for the decoder to look at again.</summary>
    private void Resync(int start, bool countAsGarbage)
    {
        _frameLength = 0;
        int from = Math.Min(start, _count);
        while (from < _count && !StartsMarker(from))
        {
            from++;
        }

        int skipped = from - Math.Min(start, _count);
        if (countAsGarbage)
        {
            _garbage += skipped; // counted as dropped when reported
        }
        else
        {
            DroppedBytes += (ulong)skipped;
        }

        _buffer.AsSpan(from, _count - from).CopyTo(_buffer);
        _count -= from;
        if (_count >= PatchFrame.MarkerLength)
        {
            ReportGarbage();
        }
    }

    private bool StartsMarker(int at)
    {
        int n = Math.Min(PatchFrame.MarkerLength, _count - at);
        for (int i = 0; i < n; i++)
        {
            if (_buffer[at + i] != PatchFrame.Marker(i))
            {
                return false;
            }
        }

        return true;
    }

    private void ReportGarbage()
    {
        if (_garbage == 0)
        {
            return;
        }

        int n = _garbage;
        _garbage = 0;
        DroppedBytes += (ulong)n;
        Errors++;
        _handler.OnError(PatchFrameError.Garbage, 0, $"skipped {n} bytes that were not part of a frame");
    }
}
