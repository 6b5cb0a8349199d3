using System.Text;
using NexOS.Security.Evolution;
using NexOS.Security.Patches;

namespace NexOS.Kernel.Commands;

/// <summary>
/// `evolve key [list] | evolve key add &lt;id&gt; &lt;hex&gt;`: the keys whose signed external
/// patches the kernel accepts at the Standard and Strict levels. The console is the operator's
/// own seat, so a key typed there is trusted.
/// FIXME: the key is echoed on the console and lives only until the next boot; keys belong in
/// a protected file once a filesystem exists.
/// </summary>
internal static class EvolveKeyCommand
{
    private const string Usage = "usage: evolve key [list] | evolve key add <id> <hex, 16 to 64 bytes>\n";

    /// <summary>Runs the command; <paramref name="args"/> are the words after "key". Caller holds the manager's gate.</summary>
    public static string Run(PatchManager manager, ReadOnlySpan<string> args)
    {
        if (args.Length == 0 || (args.Length == 1 && args[0] == "list"))
        {
            return List(manager.Keys);
        }

        if (args.Length != 3 || args[0] != "add")
        {
            return Usage;
        }

        if (!uint.TryParse(args[1], out uint id))
        {
            return $"evolve key add: '{args[1]}' is not a key id (0 to {uint.MaxValue})\n";
        }

        byte[]? key = PatchSigningKey.TryParseHex(args[2], out string error);
        return key == null
            ? $"evolve key add: {error}\n"
            : manager.AddKey(new PatchSigningKey(id, key)) + "\n";
    }

    private static string List(PatchKeyRing keys)
    {
        if (keys.Count == 0)
        {
            return "no keys: signed external patches cannot be checked (evolve key add <id> <hex>)\n";
        }

        var sb = new StringBuilder();
        sb.Append($"{keys.Count} of {PatchKeyRing.Capacity} keys:");
        for (int i = 0; i < keys.Count; i++)
        {
            sb.Append(' ').Append(keys.KeyIdAt(i));
        }

        return sb.Append('\n').ToString();
    }
}
