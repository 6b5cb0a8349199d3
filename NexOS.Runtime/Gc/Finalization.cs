namespace NexOS.Runtime.Gc;

/// <summary>
/// Objects whose types have finalizers, registered when allocated. After marking, each dead
/// one is dealt with here. WeakReference and WeakReference&lt;T&gt; are finalized eagerly, as
/// the real runtime does: the collector frees their weak handle itself.
/// FIXME: other finalizers do not run (there is no finalizer thread yet); their objects are
/// simply freed. No kernel type relies on a finalizer today.
/// </summary>
internal static unsafe class Finalization
{
    // Set by GC.SuppressFinalize in the header word (obj-4), as the real runtime does.
    private const uint FinalizerRunBit = 0x4000_0000;

    private static NativeList s_registered;
    private static ulong s_eagerlyFinalized;

    public static int Registered => s_registered.Count;

    public static ulong EagerlyFinalized => s_eagerlyFinalized;

    /// <summary>Records a finalizable object (interrupts are off).</summary>
    public static void Register(ulong obj)
    {
        if (!s_registered.Add(obj))
        {
            Panic.Halt("no memory to register a finalizable object");
        }
    }

    public static void Suppress(ulong obj) => *(uint*)(obj - 4) |= FinalizerRunBit;

    public static void ReRegister(ulong obj) => *(uint*)(obj - 4) &= ~FinalizerRunBit;

    /// <summary>After marking: forgets every registered object that is dead, freeing the
    /// weak handle of eagerly finalized ones.</summary>
    public static void ScanDead()
    {
        for (int i = s_registered.Count - 1; i >= 0; i--)
        {
            ulong obj = s_registered[i];
            if (Marker.IsLive(obj))
            {
                continue;
            }

            s_registered.RemoveAtSwap(i);
            var type = *(MethodTable**)obj;
            bool suppressed = (*(uint*)(obj - 4) & FinalizerRunBit) != 0;
            if (!suppressed && type->HasEagerFinalizer)
            {
                // The handle word's low bits are flags (bit 0: tracks resurrection).
                nint value = *(nint*)(obj + 8);
                Handles.FreeFromCollector(value & ~(nint)3);
                *(nint*)(obj + 8) = value & 1;
                s_eagerlyFinalized++;
            }
        }
    }
}
