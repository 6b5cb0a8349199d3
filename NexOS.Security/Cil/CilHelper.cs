namespace NexOS.Security.Cil;

/// <summary>The whitelisted pure helpers a patch may <c>call</c>.</summary>
public enum CilHelperId : byte
{
    /// <summary>Math.Min(int32, int32).</summary>
    MinInt32,

    /// <summary>Math.Max(int32, int32).</summary>
    MaxInt32,

    /// <summary>Math.Abs(int32); int32.MinValue faults with Overflow, as the CLR throws.</summary>
    AbsInt32,

    /// <summary>Math.Clamp(int32, int32, int32); min greater than max faults with InvalidHelperArgument.</summary>
    ClampInt32,

    /// <summary>Math.Min(int64, int64).</summary>
    MinInt64,

    /// <summary>Math.Max(int64, int64).</summary>
    MaxInt64,

    /// <summary>Math.Abs(int64); int64.MinValue faults with Overflow.</summary>
    AbsInt64,

    /// <summary>Math.Clamp(int64, int64, int64); min greater than max faults with InvalidHelperArgument.</summary>
    ClampInt64,
}

/// <summary>
/// The fixed signature of one helper. The table is static and closed: a patch cannot add a
/// helper, only name one, and every helper is a pure function of its arguments so a patch
/// cannot reach kernel state through it.
/// </summary>
public sealed class CilHelper
{
    private static readonly CilHelper[] s_all =
    {
        new CilHelper(CilHelperId.MinInt32, "Math.Min(int32,int32)", CilType.Int32, 2),
        new CilHelper(CilHelperId.MaxInt32, "Math.Max(int32,int32)", CilType.Int32, 2),
        new CilHelper(CilHelperId.AbsInt32, "Math.Abs(int32)", CilType.Int32, 1),
        new CilHelper(CilHelperId.ClampInt32, "Math.Clamp(int32,int32,int32)", CilType.Int32, 3),
        new CilHelper(CilHelperId.MinInt64, "Math.Min(int64,int64)", CilType.Int64, 2),
        new CilHelper(CilHelperId.MaxInt64, "Math.Max(int64,int64)", CilType.Int64, 2),
        new CilHelper(CilHelperId.AbsInt64, "Math.Abs(int64)", CilType.Int64, 1),
        new CilHelper(CilHelperId.ClampInt64, "Math.Clamp(int64,int64,int64)", CilType.Int64, 3),
    };

    private CilHelper(CilHelperId id, string name, CilType type, int parameterCount)
    {
        Id = id;
        Name = name;
        Type = type;
        ParameterCount = parameterCount;
    }

    /// <summary>Every helper, indexed by <see cref="CilHelperId"/>.</summary>
    public static IReadOnlyList<CilHelper> All => s_all;

    /// <summary>The helper's identity.</summary>
    public CilHelperId Id { get; }

    /// <summary>The canonical name a token table resolves, e.g. "Math.Min(int32,int32)".</summary>
    public string Name { get; }

    /// <summary>The type of every parameter and of the result: helpers never mix widths.</summary>
    public CilType Type { get; }

    /// <summary>How many values the call pops.</summary>
    public int ParameterCount { get; }

    /// <summary>The helper for an id, or null for a value outside the enumeration.</summary>
    public static CilHelper? Get(CilHelperId id) => (uint)id < (uint)s_all.Length ? s_all[(int)id] : null;

    /// <summary>The helper with the canonical name, or null.</summary>
    public static CilHelper? Find(string name)
    {
        foreach (CilHelper helper in s_all)
        {
            if (helper.Name == name)
            {
                return helper;
            }
        }

        return null;
    }
}
