using NexOS.Core.Memory;

namespace NexOS.Core.Loader;

/// <summary>
/// The bytes of page frames, which loading a program needs beyond page tables (segments are
/// copied into frames and the start block is written into the stack's), and which system calls
/// use to copy to and from user memory (<see cref="UserMemory"/>). The kernel implements it over
/// its identity map of RAM; tests over arrays. No member may allocate or throw for a frame that
/// is mapped or was handed out by the caller's frame source.
/// </summary>
public interface IFrameBytes
{
    /// <summary>Fills the 4 KiB frame at <paramref name="frame"/> with zeros.</summary>
    void Zero(PhysAddr frame);

    /// <summary>Copies <paramref name="bytes"/> into the frame at <paramref name="frame"/> from
    /// byte <paramref name="offset"/>; the caller keeps offset plus length within the frame.</summary>
    void Write(PhysAddr frame, int offset, ReadOnlySpan<byte> bytes);

    /// <summary>Copies bytes of the frame at <paramref name="frame"/> from byte
    /// <paramref name="offset"/> into <paramref name="destination"/>; the caller keeps offset
    /// plus length within the frame.</summary>
    void Read(PhysAddr frame, int offset, Span<byte> destination);

    /// <summary>Copies <paramref name="length"/> bytes from byte <paramref name="fromOffset"/>
    /// of frame <paramref name="from"/> to byte <paramref name="toOffset"/> of frame
    /// <paramref name="to"/>, with no buffer in between; the caller keeps both ranges within
    /// their frames.</summary>
    void Copy(PhysAddr to, int toOffset, PhysAddr from, int fromOffset, int length);
}
