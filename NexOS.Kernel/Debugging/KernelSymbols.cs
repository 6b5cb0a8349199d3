using NexOS.Core.Diagnostics;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Debugging;

/// <summary>
/// Names for code addresses, from the symbol table the build packs into the ISO as a boot
/// module (command line "symbols"). Lookups allocate nothing, so fault handlers use them.
/// </summary>
internal static unsafe class KernelSymbols
{
    private static byte* s_table;
    private static int s_length;

    public static bool IsLoaded => s_table != null;

    /// <summary>The caller guarantees the range stays mapped and unused for the kernel's life.</summary>
    public static void SetTable(ulong start, ulong end)
    {
        if (end > start && end - start < int.MaxValue)
        {
            s_table = (byte*)start;
            s_length = (int)(end - start);
        }
    }

    public static bool TryFind(ulong address, out ReadOnlySpan<byte> name, out ulong offset)
    {
        offset = 0;
        name = default;
        if (s_table == null || !SymbolTable.Find(new ReadOnlySpan<byte>(s_table, s_length), address, out name, out ulong start))
        {
            return false;
        }

        offset = address - start;
        return true;
    }

    /// <summary>The symbol containing the address, or null; allocates the string.</summary>
    public static string? NameOf(ulong address) =>
        TryFind(address, out ReadOnlySpan<byte> name, out _) ? System.Text.Encoding.ASCII.GetString(name) : null;

    /// <summary>Writes "name+0xoffset" (or "?") on COM1.</summary>
    public static void WriteLocation(ulong address)
    {
        if (!NexOS.Runtime.ImageLayout.IsCode(address) || !TryFind(address, out ReadOnlySpan<byte> name, out ulong offset))
        {
            DebugSerial.Write("?");
            return;
        }

        DebugSerial.Write(name);
        DebugSerial.Write("+");
        DebugSerial.WriteHex(offset, 4);
    }
}
