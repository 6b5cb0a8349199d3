using System.Text;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>
/// `evolve key [list] | evolve key add &lt;id&gt;`: the keys whose signed external patches the
/// kernel accepts at the Standard and Strict levels. The console is the operator's own seat,
/// so a key typed there is trusted. It is typed at a prompt of its own, masked, and never on
/// the command line, where the echo would put it on the screen and in the serial log.
/// With a disk, the state keeper stores the trusted keys in /nexos/state/keys.txt and hands
/// them back at the next boot (docs/services.md). FIXME: that file is as protected as the disk
/// is: whoever can write the disk can add a key at Standard; an encrypted or sealed store
/// needs a secret the machine keeps, which NexOS does not have yet.
/// </summary>
internal static class EvolveKeyCommand
{
    private const string Usage = "usage: evolve key [list] | evolve key add <id> (the key, 16 to 64 bytes of hex, is asked for)\n";
    private const string Cancelled = "evolve key add: cancelled; no key added";

    /// <summary>Runs the command; <paramref name="args"/> are the words after "key". Caller holds
    /// the manager's gate. `add` asks <paramref name="shell"/> for the key and returns "".</summary>
    public static string Run(Shell shell, PatchManager manager, ReadOnlySpan<string> args)
    {
        if (args.Length == 0 || (args.Length == 1 && args[0] == "list"))
        {
            return List(manager.Keys);
        }

        if (args.Length < 2 || args[0] != "add")
        {
            return Usage;
        }

        if (args.Length > 2)
        {
            // Too late to hide it, since the line has been echoed, but not too late to refuse
            // it, so that a key seen on the screen or in a log is never one the kernel trusts.
            string id = uint.TryParse(args[1], out _) ? args[1] : "<id>";
            return $"evolve key add: refused, a key on the command line is echoed and logged (treat it as exposed); type 'evolve key add {id}' and enter the key at the prompt\n";
        }

        if (!uint.TryParse(args[1], out uint keyId))
        {
            return $"evolve key add: '{args[1]}' is not a key id (0 to {uint.MaxValue})\n";
        }

        // Refuse now rather than after the operator has typed the key for nothing.
        string? refusal = manager.Keys.CheckAdd(keyId);
        if (refusal != null)
        {
            return $"evolve key add: {refusal}\n";
        }

        shell.AskSecret($"key {keyId} (hex, not echoed): ", Cancelled, (host, typed) => Add(manager, keyId, host, typed));
        return string.Empty;
    }

    /// <summary>Takes the key typed at the prompt. Runs after the command, so takes the gate itself.</summary>
    private static void Add(PatchManager manager, uint keyId, IShellHost host, ReadOnlySpan<byte> typed)
    {
        byte[]? key = PatchSigningKey.TryParseHex(typed, out string error);
        if (key == null)
        {
            host.Write($"evolve key add: {error}; no key added\n");
            return;
        }

        string message;
        lock (manager.Gate)
        {
            // The ring may have changed while the key was typed; a key not kept is wiped.
            string? refusal = manager.Keys.CheckAdd(keyId);
            if (refusal != null)
            {
                Array.Clear(key);
                message = $"evolve key add: {refusal}; no key added";
            }
            else
            {
                message = manager.AddKey(new PatchSigningKey(keyId, key));
            }
        }

        host.Write(message + "\n");
    }

    private static string List(PatchKeyRing keys)
    {
        if (keys.Count == 0)
        {
            return "no keys: signed external patches cannot be checked (evolve key add <id>)\n";
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
