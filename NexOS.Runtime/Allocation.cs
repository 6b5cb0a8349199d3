using System.Runtime;

namespace NexOS.Runtime;

/// <summary>
/// The allocation helpers compiled code calls for <c>new</c>. Each returns a zeroed object
/// whose first word is its MethodTable; arrays and strings also get their length at offset 8.
/// A negative or oversized array length throws OverflowException. When the heap has no room
/// even after a collection, OutOfMemoryException is thrown (a panic before the collected
/// heap is ready). Objects come from <see cref="Gc.GcHeap"/>.
/// </summary>
internal static unsafe class Allocation
{
    // Arrays over this many elements are refused, as the real runtime refuses them.
    private const uint MaxArrayLength = 0x7FFF_FFC7;

    private static OutOfMemoryException? s_outOfMemory;

    [RuntimeExport("RhpNewFast")]
    private static void* NewFast(MethodTable* type) => Object(type);

    [RuntimeExport("RhpNewFinalizable")]
    private static void* NewFinalizable(MethodTable* type) => Object(type);

    [RuntimeExport("RhpNewArrayFast")]
    private static void* NewArrayFast(MethodTable* type, int length) => Array(type, length);

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static void* NewPtrArrayFast(MethodTable* type, int length) => Array(type, length);

    [RuntimeExport("RhNewString")]
    private static void* NewString(MethodTable* type, int length) => Array(type, length);

    [RuntimeExport("RhAllocateNewArray")]
    private static void AllocateNewArray(MethodTable* type, uint length, uint flags, void** result) =>
        *result = length > MaxArrayLength ? null : Gc.GcHeap.Allocate(type, ArraySize(type, length), (int)length);

    [RuntimeExport("RhAllocateNewObject")]
    private static void AllocateNewObject(MethodTable* type, uint flags, void** result) =>
        *result = Gc.GcHeap.Allocate(type, type->BaseSize, -1);

    /// <summary>The exception thrown when even a collection leaves no room. It is made while
    /// memory is plentiful, because making it when it is needed would fail.</summary>
    public static void PrepareOutOfMemory() => s_outOfMemory ??= new OutOfMemoryException("the kernel heap is exhausted");

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void* Object(MethodTable* type)
    {
        void* obj = Gc.GcHeap.Allocate(type, type->BaseSize, -1);
        if (obj == null)
        {
            OutOfMemory(type->BaseSize);
        }

        return obj;
    }

    public static void* Array(MethodTable* type, int length)
    {
        if ((uint)length > MaxArrayLength)
        {
            // What the class library's own allocator does for a negative or huge length.
            throw new OverflowException();
        }

        ulong size = ArraySize(type, (uint)length);
        void* obj = Gc.GcHeap.Allocate(type, size, length);
        if (obj == null)
        {
            OutOfMemory(size);
        }

        return obj;
    }

    private static ulong ArraySize(MethodTable* type, uint length) => type->BaseSize + ((ulong)length * type->ComponentSize);

    private static void OutOfMemory(ulong size)
    {
        OutOfMemoryException? preallocated = s_outOfMemory;
        if (preallocated != null)
        {
            throw preallocated;
        }

        RuntimePlatform.Write("\nheap exhausted: ");
        RuntimePlatform.WriteDecimal(size);
        RuntimePlatform.Write(" bytes requested, ");
        RuntimePlatform.WriteDecimal(BootHeap.BytesUsed);
        RuntimePlatform.Write(" in use\n");
        Panic.Halt("out of memory");
    }
}
