using System.Text;
using NexOS.Security.External;
using NexOS.UserLib;

namespace NexOS.Programs.PatchLine;

/// <summary>
/// Answers every patch frame and every framing error on the line it came from: a patch goes to
/// the kernel's patch manager through the PatchInbox capability (PatchSubmit), and the ACK or
/// NAK frame carries the kernel's one-line verdict. Shared by the serial line (patchline) and
/// the network (patchnet, which links this file), so both judge and answer alike.
/// </summary>
internal sealed class PatchResponder : IPatchFrameHandler
{
    private readonly int _inbox;
    private readonly Func<byte[], bool> _write;
    private readonly string _line;

    /// <summary>Submits through the inbox in slot <paramref name="inbox"/> and answers with
    /// <paramref name="write"/> (false when the answer could not be sent); <paramref name="line"/>
    /// names the way patches come ("line", "port") in refusals.</summary>
    public PatchResponder(int inbox, Func<byte[], bool> write, string line)
    {
        _inbox = inbox;
        _write = write;
        _line = line;
    }

    /// <summary>True once an answer could not be sent.</summary>
    public bool Failed { get; private set; }

    public void OnFrame(PatchFrameType type, ushort sequence, ReadOnlySpan<byte> payload)
    {
        if (type != PatchFrameType.Patch)
        {
            Reply(false, sequence, $"rejected: only patch frames are accepted on this {_line}");
            return;
        }

        string verdict = Patches.Submit(_inbox, payload, out bool accepted);
        Reply(accepted, sequence, verdict);
    }

    public void OnError(PatchFrameError error, ushort sequence, string message)
        => Reply(false, sequence, "frame error (" + PatchFrame.Name(error) + "): " + message);

    private void Reply(bool accepted, ushort sequence, string text)
    {
        byte[] payload = Encoding.UTF8.GetBytes(PatchInbox.OneLine(text));
        Failed |= !_write(PatchFrame.Encode(accepted ? PatchFrameType.Ack : PatchFrameType.Nak, sequence, payload));
    }
}
