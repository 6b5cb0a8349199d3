using System.Text;
using NexOS.Kernel.Platform;
using NexOS.Security.External;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>`patch inbox`: what arrived on the patch line (COM2) and what became of it.</summary>
internal static class PatchCommands
{
    public static void Register(Shell shell)
    {
        shell.Register("patch", "external patches from COM2: patch inbox", Patch);
    }

    private static void Patch(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length != 1 || args[0] != "inbox")
        {
            host.Write("usage: patch inbox\n");
            return;
        }

        var sb = new StringBuilder();
        sb.Append(PatchPort.Describe()).Append('\n');
        if (PatchPort.Sink is not VerifyingPatchSink inbox)
        {
            sb.Append("the patch manager keeps its own record (see audit)\n");
            host.Write(sb.ToString());
            return;
        }

        List<PatchInboxEntry> entries = inbox.Snapshot();
        sb.Append($"{inbox.Submitted} patches received, {inbox.AcceptedCount} verified (held, not applied)\n");
        foreach (PatchInboxEntry entry in entries)
        {
            sb.Append($"#{entry.Sequence} {entry.Length} bytes: {entry.Verdict}\n");
        }

        host.Write(sb.ToString());
    }
}
