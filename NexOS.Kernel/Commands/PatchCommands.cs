using System.Text;
using NexOS.Kernel.Platform;
using NexOS.Security.External;
using NexOS.Services.Shell;
using NexOS.Kernel.SelfEvolution;

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
        PatchInbox? inbox = PatchPort.Inbox;
        if (inbox == null)
        {
            sb.Append("the patch line is not started\n");
            host.Write(sb.ToString());
            return;
        }

        List<PatchInboxEntry> entries = inbox.Snapshot();
        sb.Append($"{inbox.Submitted} patches received, {inbox.AcceptedCount} accepted by the patch manager (see evolve status, audit)\n");
        foreach (PatchInboxEntry entry in entries)
        {
            sb.Append($"#{entry.Sequence} {entry.Length} bytes: {entry.Verdict}\n");
        }

        host.Write(sb.ToString());
    }
}
