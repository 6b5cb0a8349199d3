using System.Text;

namespace NexOS.Security.External;

/// <summary>
/// Remembers what arrived from outside and what became of it, then gets out of the way: every
/// submission is passed to the sink behind it (the patch manager in the kernel) and recorded in
/// a ring of the last <see cref="Capacity"/> submissions, which `patch inbox` shows. The inbox
/// judges nothing itself, so a patch from the serial line meets exactly the rules the inner
/// sink applies to every other patch. Thread-safe: the ring and its counters take one lock;
/// the inner sink is called outside it and must serialise its own callers.
/// </summary>
public sealed class PatchInbox : IPatchSink
{
    /// <summary>How many submissions the inbox remembers.</summary>
    public const int Capacity = 32;

    /// <summary>Longest verdict, in characters; longer ones are cut.</summary>
    public const int MaxVerdictLength = 400;

    private readonly PatchInboxEntry?[] _entries = new PatchInboxEntry?[Capacity];
    private readonly object _gate = new();
    private readonly IPatchSink _inner;
    private ulong _submitted;
    private ulong _accepted;

    /// <summary>Creates an inbox in front of <paramref name="inner"/>.</summary>
    public PatchInbox(IPatchSink inner)
    {
        _inner = inner;
    }

    /// <summary>Submissions since start.</summary>
    public ulong Submitted => _submitted;

    /// <summary>Submissions the inner sink accepted since start.</summary>
    public ulong AcceptedCount => _accepted;

    /// <inheritdoc/>
    public bool Submit(ReadOnlySpan<byte> patchBytes, out string verdict)
    {
        bool accepted = _inner.Submit(patchBytes, out string innerVerdict);
        verdict = OneLine(innerVerdict ?? string.Empty);
        Patches.PatchReader.TryParse(patchBytes, out Patches.Patch? patch, out _);
        lock (_gate)
        {
            _submitted++;
            if (accepted)
            {
                _accepted++;
            }

            var entry = new PatchInboxEntry(_submitted, patchBytes.Length, patch?.Provenance.PatchId ?? 0,
                patch == null ? "?" : OneLine(patch.Provenance.Source), patch == null ? "?" : OneLine(patch.Target), accepted, verdict);
            _entries[(int)((_submitted - 1) % Capacity)] = entry;
        }

        return accepted;
    }

    /// <summary>The remembered submissions, oldest first.</summary>
    public List<PatchInboxEntry> Snapshot()
    {
        var list = new List<PatchInboxEntry>(Capacity);
        lock (_gate)
        {
            ulong first = _submitted > Capacity ? _submitted - Capacity + 1 : 1;
            for (ulong seq = first; seq <= _submitted; seq++)
            {
                list.Add(_entries[(int)((seq - 1) % Capacity)]!);
            }
        }

        return list;
    }

    /// <summary>Makes text safe for a one-line reply: control characters become '?', and
    /// anything past <see cref="MaxVerdictLength"/> is cut.</summary>
    public static string OneLine(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxVerdictLength));
        foreach (char c in text)
        {
            if (sb.Length == MaxVerdictLength)
            {
                break;
            }

            sb.Append(c < ' ' || c == '\u007f' ? '?' : c);
        }

        return sb.ToString();
    }
}
