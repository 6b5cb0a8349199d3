namespace NexOS.Storage;

/// <summary>
/// A block device that moves data between its own buffers (a driver's DMA memory) and the
/// caller's destination or source piece by piece, so a driver service can copy straight
/// between the device's buffer and its client's grant with no buffer of its own in between.
/// </summary>
public interface IDirectTransfer
{
    /// <summary>Reads <paramref name="length"/> bytes (whole blocks) from
    /// <paramref name="block"/> on, handing them to <paramref name="sink"/> in order, each
    /// piece with its offset from the start. Range errors as <see cref="IBlockDevice.Read"/>;
    /// BadArgument when the sink refuses a piece (nothing more is read).</summary>
    StorageStatus ReadTo(ulong block, int length, IBlockSink sink);

    /// <summary>Writes <paramref name="length"/> bytes (whole blocks) at
    /// <paramref name="block"/>, asking <paramref name="source"/> for them in order. Errors as
    /// <see cref="IBlockDevice.Write"/>; BadArgument when the source cannot fill a piece
    /// (nothing of that piece or after it is written).</summary>
    StorageStatus WriteFrom(ulong block, int length, IBlockSource source);
}

/// <summary>Where <see cref="IDirectTransfer.ReadTo"/> puts what it read.</summary>
public interface IBlockSink
{
    /// <summary>Takes <paramref name="data"/>, the bytes at <paramref name="offset"/> of the
    /// transfer; false to stop it.</summary>
    bool Accept(int offset, ReadOnlySpan<byte> data);
}

/// <summary>Where <see cref="IDirectTransfer.WriteFrom"/> gets what it writes.</summary>
public interface IBlockSource
{
    /// <summary>Fills <paramref name="data"/> with the bytes at <paramref name="offset"/> of
    /// the transfer; false when it cannot.</summary>
    bool Fill(int offset, Span<byte> data);
}
