namespace NexOS.Kernel.Runtime;

/// <summary>
/// The head of a NativeAOT MethodTable: the few fields the allocation helpers read. The
/// compiler emits one per type; an object's first word points at its MethodTable.
/// </summary>
internal unsafe struct MethodTable
{
    private const uint HasComponentSizeFlag = 0x8000_0000;

#pragma warning disable CS0649 // written by the compiler, never by C#
    private readonly uint _flags;
    private readonly uint _baseSize;
#pragma warning restore CS0649

    /// <summary>Arrays and strings carry a per-element size in the low 16 bits of the flags.</summary>
    public bool HasComponentSize => (_flags & HasComponentSizeFlag) != 0;

    public uint ComponentSize => HasComponentSize ? _flags & 0xFFFF : 0;

    /// <summary>Size of an instance (of an empty array or string, for those), header included.</summary>
    public uint BaseSize => _baseSize;
}
