namespace NexOS.Runtime;

/// <summary>
/// The head of a NativeAOT MethodTable: the fields the allocation helpers and the collector
/// read. The compiler emits one per type; an object's first word points at its MethodTable.
/// The bit values are the runtime's EETypeFlags (see docs/gc-research-notes.md §1).
/// </summary>
internal unsafe struct MethodTable
{
    private const uint HasComponentSizeFlag = 0x8000_0000;
    private const uint HasPointersFlag = 0x0100_0000;
    private const uint HasFinalizerFlag = 0x0010_0000;

    // Without a component size the low 16 bits are the extended flags, whose bit 0 marks a
    // type finalized eagerly by the collector itself (WeakReference and WeakReference<T>).
    private const uint EagerFinalizerMask = HasComponentSizeFlag | 0x0001;

#pragma warning disable CS0649 // written by the compiler, never by C#
    private readonly uint _flags;
    private readonly uint _baseSize;
#pragma warning restore CS0649

    /// <summary>Arrays and strings carry a per-element size in the low 16 bits of the flags.</summary>
    public bool HasComponentSize => (_flags & HasComponentSizeFlag) != 0;

    public uint ComponentSize => HasComponentSize ? _flags & 0xFFFF : 0;

    /// <summary>Size of an instance (of an empty array or string, for those), header included.</summary>
    public uint BaseSize => _baseSize;

    /// <summary>Instances hold object references, described by the GC descriptor that the
    /// compiler places just below the MethodTable.</summary>
    public bool ContainsGCPointers => (_flags & HasPointersFlag) != 0;

    public bool HasFinalizer => (_flags & HasFinalizerFlag) != 0;

    /// <summary>The collector, not a finalizer thread, cleans up dead instances (it frees the
    /// weak handle at offset 8).</summary>
    public bool HasEagerFinalizer => (_flags & EagerFinalizerMask) == 1;
}
