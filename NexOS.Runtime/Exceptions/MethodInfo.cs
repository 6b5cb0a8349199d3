namespace NexOS.Runtime.Exceptions;

/// <summary>
/// What the unwind data says about the method owning a code address: where the main body
/// starts, whether the address is in a funclet, and where the EH clauses are. Decoded from
/// the LSDA that ilc attaches to every FDE:
///   main body: u8 flags (0x04 has EH info, 0x08 reverse P/Invoke, 0x10 associated data),
///              [i32 rel associated data], [i32 rel EH info], GC info...
///   funclet:   u8 flags (1 handler, 2 filter), i32 rel main LSDA, u32 offset from method start
/// </summary>
internal unsafe struct MethodInfo
{
    public const byte HasEhInfo = 0x04;
    public const byte ReversePInvoke = 0x08;
    public const byte HasAssociatedData = 0x10;

    public ulong MethodStart;
    public byte* MainLsda;
    public byte* EhInfo;
    public byte OwnFlags;
    public byte MainFlags;

    public bool IsFunclet => (OwnFlags & 3) != 0;

    public bool IsFilter => (OwnFlags & 3) == 2;

    /// <summary>Finds the method containing <paramref name="pc"/>. False when no managed
    /// method does.</summary>
    public static bool TryFind(ulong pc, out MethodInfo info, out Cfi.Fde fde)
    {
        info = default;
        if (!ImageLayout.IsManagedCode(pc) || !Cfi.TryFindFde(pc, out fde) || fde.Lsda == null)
        {
            fde = default;
            return false;
        }

        byte* own = fde.Lsda;
        info.OwnFlags = own[0];
        if ((own[0] & 3) != 0)
        {
            info.MainLsda = own + 1 + *(int*)(own + 1);
            info.MethodStart = fde.PcBegin - *(uint*)(own + 5);
        }
        else
        {
            info.MainLsda = own;
            info.MethodStart = fde.PcBegin;
        }

        info.MainFlags = info.MainLsda[0];
        byte* p = info.MainLsda + 1;
        if ((info.MainFlags & HasAssociatedData) != 0)
        {
            p += 4;
        }

        if ((info.MainFlags & HasEhInfo) != 0)
        {
            info.EhInfo = p + *(int*)p;
        }

        return true;
    }
}
