using NexOS.Kernel.Platform;

namespace NexOS.Kernel.SelfTest;

/// <summary>
/// The in-kernel test suite, run at boot when the command line says nexos.selftest. Each
/// test prints one line on COM1; the last line is "N passed, N failed", and QEMU's
/// isa-debug-exit device (port 0xf4) reports the verdict as its exit status.
/// </summary>
internal static class SelfTestRunner
{
    public const ushort DebugExitPort = 0xF4;
    public const byte PassCode = 0x10;
    public const byte FailCode = 0x11;

    private static readonly List<(string Name, Action Body)> s_tests = new();

    public static void Add(string name, Action body) => s_tests.Add((name, body));

    /// <summary>Runs every registered test and returns the number that failed.</summary>
    public static int RunAll(Action<string> writeLine)
    {
        int passed = 0;
        int failed = 0;
        foreach ((string name, Action body) in s_tests)
        {
            string? failure;
            try
            {
                body();
                failure = null;
            }
            catch (Exception e)
            {
                failure = e is SelfTestFailure ? e.Message : $"{e.GetType().FullName}: {e.Message}";
            }

            if (failure == null)
            {
                passed++;
                writeLine($"[PASS] {name}");
            }
            else
            {
                failed++;
                writeLine($"[FAIL] {name}: {failure}");
            }
        }

        writeLine($"{passed} passed, {failed} failed");
        return failed;
    }

    /// <summary>Leaves QEMU with the verdict; on a machine without the debug-exit device the
    /// write is ignored and the caller carries on.</summary>
    public static void ExitEmulator(bool success) => Native.OutB(DebugExitPort, success ? PassCode : FailCode);
}

/// <summary>A failed expectation inside a self test.</summary>
internal sealed class SelfTestFailure : Exception
{
    public SelfTestFailure(string message)
        : base(message)
    {
    }
}

/// <summary>Assertions for self tests.</summary>
internal static class Expect
{
    public static void True(bool condition, string what)
    {
        if (!condition)
        {
            throw new SelfTestFailure(what);
        }
    }

    public static void Equal<T>(T expected, T actual, string what)
        where T : IEquatable<T>
    {
        if (!expected.Equals(actual))
        {
            throw new SelfTestFailure($"{what}: expected '{expected}', got '{actual}'");
        }
    }

    public static void Throws<TException>(Action action, string what)
        where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException)
        {
            return;
        }
        catch (Exception e)
        {
            throw new SelfTestFailure($"{what}: expected {typeof(TException).Name}, got {e.GetType().Name}");
        }

        throw new SelfTestFailure($"{what}: expected {typeof(TException).Name}, nothing was thrown");
    }
}
