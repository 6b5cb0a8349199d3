using System.Runtime;
using NexOS.Core.Numerics;

namespace NexOS.Runtime;

/// <summary>
/// The C library's math functions that the class library's Math calls (Math.Log, Math.Exp,
/// Math.Pow compile to calls of log, exp and pow), answered by <see cref="SoftMath"/>. The
/// managed calling convention passes and returns doubles in xmm registers as the C one does.
/// </summary>
internal static class MathExports
{
    [RuntimeExport("log")]
    private static double Log(double x) => SoftMath.Log(x);

    [RuntimeExport("exp")]
    private static double Exp(double x) => SoftMath.Exp(x);

    [RuntimeExport("pow")]
    private static double Pow(double x, double y) => SoftMath.Pow(x, y);
}
