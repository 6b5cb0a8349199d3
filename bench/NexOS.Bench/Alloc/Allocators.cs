using System.Runtime.InteropServices;

namespace NexOS.Bench.Alloc;

/// <summary>An allocator under test: raw memory in, raw memory out.</summary>
public interface IAllocator : IDisposable
{
    string Name { get; }

    nint Allocate(int size);

    void Free(nint p);

    /// <summary>Bytes the allocator holds from the system now.</summary>
    long HeldBytes { get; }

    /// <summary>Gives back what can be given back, so the next trace's peak starts clean.</summary>
    void Trim();
}

/// <summary>glibc's malloc. The calls skip the GC transition (they are short and never call
/// back), so P/Invoke adds a call's cost, not a mode switch.</summary>
public sealed partial class GlibcAllocator : IAllocator
{
    public string Name => "glibc";

    public nint Allocate(int size) => Malloc((nuint)size);

    public void Free(nint p) => FreeNative(p);

    public long HeldBytes
    {
        get
        {
            MallInfo2 info = MallInfo();
            return (long)(info.Arena + info.Hblkhd);
        }
    }

    public void Trim() => MallocTrim(0);

    public void Dispose()
    {
    }

    [LibraryImport("libc.so.6", EntryPoint = "malloc")]
    [SuppressGCTransition]
    private static partial nint Malloc(nuint size);

    [LibraryImport("libc.so.6", EntryPoint = "free")]
    [SuppressGCTransition]
    private static partial void FreeNative(nint p);

    [LibraryImport("libc.so.6", EntryPoint = "mallinfo2")]
    private static partial MallInfo2 MallInfo();

    [LibraryImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint Arena;
        public nuint Ordblks;
        public nuint Smblks;
        public nuint Hblks;
        public nuint Hblkhd;
        public nuint Usmblks;
        public nuint Fsmblks;
        public nuint Uordblks;
        public nuint Fordblks;
        public nuint Keepcost;
    }
}

/// <summary>mimalloc from Debian's libmimalloc2.0, called like glibc's malloc.</summary>
public sealed partial class MimallocAllocator : IAllocator
{
    private const string Library = "libmimalloc.so.2";

    public string Name => "mimalloc";

    public nint Allocate(int size) => MiMalloc((nuint)size);

    public void Free(nint p) => MiFree(p);

    public long HeldBytes
    {
        get
        {
            MiProcessInfo(out _, out _, out _, out _, out _, out nuint commit, out _, out _);
            return (long)commit;
        }
    }

    public void Trim() => MiCollect(true);

    public void Dispose()
    {
    }

    [LibraryImport(Library, EntryPoint = "mi_malloc")]
    [SuppressGCTransition]
    private static partial nint MiMalloc(nuint size);

    [LibraryImport(Library, EntryPoint = "mi_free")]
    [SuppressGCTransition]
    private static partial void MiFree(nint p);

    [LibraryImport(Library, EntryPoint = "mi_collect")]
    private static partial void MiCollect([MarshalAs(UnmanagedType.U1)] bool force);

    [LibraryImport(Library, EntryPoint = "mi_process_info")]
    private static partial void MiProcessInfo(out nuint elapsedMs, out nuint userMs, out nuint systemMs, out nuint currentRss,
        out nuint peakRss, out nuint currentCommit, out nuint peakCommit, out nuint pageFaults);
}
