using System.Runtime;

namespace NexOS.Kernel.Runtime;

/// <summary>
/// The allocation helpers compiled code calls for <c>new</c>. Each returns a zeroed object
/// whose first word is its MethodTable; arrays and strings also get their length at offset 8.
/// A negative or oversized array length throws OverflowException; out of memory is fatal
/// until the collector exists (see <see cref="BootHeap"/>).
/// </summary>
internal static unsafe class Allocation
{
    // Arrays over this many elements are refused, as the real runtime refuses them.
    private const uint MaxArrayLength = 0x7FFF_FFC7;

    [RuntimeExport("RhpNewFast")]
    private static void* NewFast(MethodTable* type) => Object(type);

    [RuntimeExport("RhpNewFinalizable")]
    private static void* NewFinalizable(MethodTable* type) =>

        // FIXME: finalizers never run: there is no collector to find dead objects yet.
        Object(type);

    [RuntimeExport("RhpNewArrayFast")]
    private static void* NewArrayFast(MethodTable* type, int length) => Array(type, length);

    [RuntimeExport("RhpNewPtrArrayFast")]
    private static void* NewPtrArrayFast(MethodTable* type, int length) => Array(type, length);

    [RuntimeExport("RhNewString")]
    private static void* NewString(MethodTable* type, int length) => Array(type, length);

    [RuntimeExport("RhAllocateNewArray")]
    private static void AllocateNewArray(MethodTable* type, uint length, uint flags, void** result) =>
        *result = length > MaxArrayLength ? null : Array(type, (int)length);

    [RuntimeExport("RhAllocateNewObject")]
    private static void AllocateNewObject(MethodTable* type, uint flags, void** result) =>
        *result = Object(type);

    public static void* Object(MethodTable* type)
    {
        void* obj = BootHeap.Allocate(type->BaseSize);
        if (obj == null)
        {
            OutOfMemory(type->BaseSize);
        }

        *(MethodTable**)obj = type;
        return obj;
    }

    public static void* Array(MethodTable* type, int length)
    {
        if ((uint)length > MaxArrayLength)
        {
            // What the class library's own allocator does for a negative or huge length.
            throw new OverflowException();
        }

        ulong size = type->BaseSize + ((ulong)(uint)length * type->ComponentSize);
        void* obj = BootHeap.Allocate(size);
        if (obj == null)
        {
            OutOfMemory(size);
        }

        *(MethodTable**)obj = type;
        *(int*)((byte*)obj + 8) = length;
        return obj;
    }

    private static void OutOfMemory(ulong size)
    {
        Platform.DebugSerial.Write("\nheap exhausted: ");
        Platform.DebugSerial.WriteDecimal(size);
        Platform.DebugSerial.Write(" bytes requested, ");
        Platform.DebugSerial.WriteDecimal(BootHeap.BytesUsed);
        Platform.DebugSerial.Write(" in use\n");
        Panic.Halt("out of memory");
    }
}
