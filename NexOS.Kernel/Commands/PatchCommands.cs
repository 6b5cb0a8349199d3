using System.Text;
using NexOS.Security.External;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>`patch inbox`: what arrived on the patch line (COM2) and what became of it.</summary>
internal static class PatchCommands
{
    /// <summary>The kernel's side of the patch line: set by the composition root.</summary>
    public static PatchInbox? Inbox { get; set; }

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
        sb.Append("patch line: the patchline service in ring 3 (COM2, 0x2F8, IRQ 3; ps lists it when the machine has a second UART)\n");
        sb.Append("patch port: the patchnet service in ring 3 (TCP port 7070, once the network is up)\n");
        PatchInbox? inbox = Inbox;
        if (inbox == null)
        {
            sb.Append("the patch inbox is not open\n");
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
