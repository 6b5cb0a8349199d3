using NexOS.Security.Audit;

namespace NexOS.Security.Patching;

/// <summary>Who submits what: refusals of patches from outside counted per source, and
/// quarantined sources. The engine's own refusals are not counted: its models learn from
/// them (the performance model's family beliefs and back-off), and a quarantine is for
/// submitters.</summary>
public sealed partial class PatchManager
{
    /// <summary>The source refusals of unreadable bytes are counted under.</summary>
    public const string UnreadableSource = "(unreadable)";

    /// <summary>Most sources counted one by one; the rest share "(other)".</summary>
    public const int MaxCountedSources = 32;

    private readonly List<string> _refusalSources = new();
    private readonly List<ulong> _refusalCounts = new();
    private readonly List<string> _quarantined = new();

    /// <summary>Sources with refusals, in the order first seen (read with <see cref="RefusalCountAt"/>).</summary>
    public IReadOnlyList<string> RefusalSources => _refusalSources;

    /// <summary>Quarantined sources: every patch they submit is refused.</summary>
    public IReadOnlyList<string> Quarantined => _quarantined;

    /// <summary>Refusals since boot of <see cref="RefusalSources"/>[<paramref name="index"/>].</summary>
    public ulong RefusalCountAt(int index) => _refusalCounts[index];

    /// <summary>Whether <paramref name="source"/> is quarantined.</summary>
    public bool IsQuarantined(string source) => _quarantined.Contains(source);

    /// <summary>Refuses every later patch from <paramref name="source"/>; logged as
    /// PolicyChanged with <paramref name="why"/>. Returns what happened.</summary>
    public string Quarantine(string source, string actor, string why)
    {
        if (IsQuarantined(source))
        {
            return $"source '{source}' is already quarantined";
        }

        _quarantined.Add(source);
        string message = $"source '{source}' quarantined: {why}";
        Log(AuditEventKind.PolicyChanged, 0, actor, message);
        return message;
    }

    /// <summary>Lifts the quarantine of <paramref name="source"/> (the operator's decision); logged.</summary>
    public string Release(string source)
    {
        if (!_quarantined.Remove(source))
        {
            return $"source '{source}' is not quarantined";
        }

        string message = $"source '{source}' released from quarantine";
        Log(AuditEventKind.PolicyChanged, 0, Actor, message);
        return message;
    }

    private void CountRefusal(string source)
    {
        if (!_fromOutside)
        {
            return;
        }

        int i = _refusalSources.IndexOf(source);
        if (i < 0)
        {
            if (_refusalSources.Count >= MaxCountedSources - 1)
            {
                source = "(other)";
                i = _refusalSources.IndexOf(source);
            }

            if (i < 0)
            {
                _refusalSources.Add(source);
                _refusalCounts.Add(0);
                i = _refusalSources.Count - 1;
            }
        }

        _refusalCounts[i]++;
    }
}
