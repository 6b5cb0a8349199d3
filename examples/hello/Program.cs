using NexOS.UserLib;

namespace NexOS.Examples.Hello;

/// <summary>Greets, shows its arguments, makes the collector run, throws and catches an
/// exception, and exits with 0. With the single argument "unhandled" it then throws an
/// exception nothing catches, which the runtime layer reports before ending the program with
/// exit code 134.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        Log.WriteLine("Hello from C# in ring 3");
        for (int i = 0; i < args.Length; i++)
        {
            Log.WriteLine($"  argument {i}: {args[i]}");
        }

        // About 16 MiB of short-lived arrays: several times the collector's first budget.
        int before = GC.CollectionCount(0);
        long checksum = 0;
        for (int i = 0; i < 4096; i++)
        {
            byte[] block = new byte[4096];
            block[i % block.Length] = (byte)i;
            checksum += block[i % block.Length];
        }

        int collections = GC.CollectionCount(0) - before;
        Log.WriteLine($"allocated 16 MiB, {collections} collections, checksum {checksum}");

        try
        {
            Throw(args.Length);
        }
        catch (InvalidOperationException e)
        {
            Log.WriteLine($"caught {e.GetType().Name}: {e.Message}");
        }

        if (args.Length == 1 && args[0] == "unhandled")
        {
            Throw(-1);
        }

        return collections > 0 ? 0 : 1;
    }

    private static void Throw(int argumentCount) =>
        throw new InvalidOperationException($"thrown with {argumentCount} arguments");
}
