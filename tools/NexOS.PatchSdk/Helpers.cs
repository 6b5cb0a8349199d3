namespace NexOS.Policy;

/// <summary>
/// The only methods a policy may call. Each is pure and maps to one of the kernel's whitelisted
/// helpers (Math.Min/Max/Abs/Clamp for int and long); the patch tool rejects any other call.
/// System.Math's overloads of the same names and types are accepted too. These bodies exist so
/// that policies can be unit-tested on the host; the kernel runs its own implementations.
/// </summary>
public static class Helpers
{
    /// <summary>The smaller of two values.</summary>
    public static int Min(int a, int b) => a < b ? a : b;

    /// <summary>The smaller of two values.</summary>
    public static long Min(long a, long b) => a < b ? a : b;

    /// <summary>The larger of two values.</summary>
    public static int Max(int a, int b) => a > b ? a : b;

    /// <summary>The larger of two values.</summary>
    public static long Max(long a, long b) => a > b ? a : b;

    /// <summary>The absolute value; int.MinValue faults in the kernel (and throws here).</summary>
    public static int Abs(int value) => Math.Abs(value);

    /// <summary>The absolute value; long.MinValue faults in the kernel (and throws here).</summary>
    public static long Abs(long value) => Math.Abs(value);

    /// <summary>The value limited to [min, max]; min greater than max faults in the kernel (and throws here).</summary>
    public static int Clamp(int value, int min, int max) => Math.Clamp(value, min, max);

    /// <summary>The value limited to [min, max]; min greater than max faults in the kernel (and throws here).</summary>
    public static long Clamp(long value, long min, long max) => Math.Clamp(value, min, max);
}
