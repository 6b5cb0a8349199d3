using System.Text;
using NexOS.Ai.Learning;

namespace NexOS.Ai.Engine;

/// <summary>
/// The performance model: the overall objective that arbitrates between the other models'
/// proposals.
/// <para>Input: every proposal of a cycle (its estimated gain on its own metric, simulated when
/// the proposing model could simulate it, and its expected cost elsewhere).</para>
/// <para>Output: a ranking. A proposal's score is <c>draw x trust x gain - CostWeight x cost</c>:
/// <c>draw</c> is a Thompson-sampling draw from its family's posterior of being kept (families
/// that keep failing are proposed less, but never never), <c>trust</c> how far the proposing
/// model's estimates have matched what was measured, and <c>cost</c> the proposal's expected
/// loss on another subsystem (e.g. throughput given up for latency).</para>
/// <para>Learning: each outcome updates the family's Beta posterior (kept: +1 kept; rolled back:
/// +1 not kept; refused by the patch manager: +0.5 not kept) and, when a gain was measured,
/// moves the model's trust a fifth of the way towards measured / expected (clamped to 0.1..2).</para>
/// </summary>
public sealed class PerformanceModel : IEvolutionModel, IPrimableModel
{
    /// <summary>Most families the model tracks.</summary>
    public const int MaxFamilies = 64;

    private const double TrustRate = 0.2;
    private readonly FamilyBandit _families = new(MaxFamilies);
    private readonly List<string> _modelNames = new();
    private readonly List<double> _trust = new();
    // The last ranking, formatted only when described: formatting a double costs more than the
    // ranking itself under emulation, and the demos rank ten times a second.
    private int _lastCount;
    private string _lastFamily = string.Empty;
    private string _lastModel = string.Empty;
    private double _lastScore;

    /// <summary>Weight of a percent of cost against a percent of gain.</summary>
    public double CostWeight { get; set; } = 2;

    /// <summary>The family beliefs.</summary>
    public FamilyBandit Families => _families;

    /// <inheritdoc/>
    public string Name => "performance";

    /// <summary>Seeds the belief of a family (pre-trained on the host and shipped in the ISO,
    /// or learned on an earlier boot): a known family takes the new belief.</summary>
    public void Prime(string family, double kept, double rolledBack)
    {
        int index = _families.IndexOf(family);
        if (index >= 0)
        {
            _families.SetBelief(index, Math.Max(1, kept), Math.Max(1, rolledBack));
        }
        else if (_families.Count < MaxFamilies)
        {
            _families.Register(family, Math.Max(1, kept), Math.Max(1, rolledBack));
        }
    }

    /// <inheritdoc/>
    public void Export(ModelPriors priors)
    {
        for (int i = 0; i < _families.Count; i++)
        {
            (double kept, double rolledBack) = _families.Belief(i);
            priors.AddFamily(_families.NameOf(i), kept, rolledBack);
        }
    }

    /// <inheritdoc/>
    public void Prime(ModelPriors priors)
    {
        foreach ((string name, double kept, double rolledBack) in priors.Families)
        {
            Prime(name, kept, rolledBack);
        }
    }

    /// <summary>How far the model's gain estimates have held, 1 at first.</summary>
    public double TrustOf(string model)
    {
        int i = _modelNames.IndexOf(model);
        return i < 0 ? 1 : _trust[i];
    }

    /// <summary>Scores every proposal and sorts them best first.</summary>
    public void Rank(List<Proposal> proposals, ref SplitMix random)
    {
        foreach (Proposal p in proposals)
        {
            double gain = double.IsNaN(p.SimulatedGainPercent) ? p.ExpectedGainPercent : p.SimulatedGainPercent;
            if (double.IsNaN(gain) || double.IsInfinity(gain))
            {
                gain = 0;
            }

            double cost = double.IsNaN(p.SideCostPercent) || p.SideCostPercent < 0 ? 0 : p.SideCostPercent;
            int family = FamilyIndex(p.Family);
            double draw = family < 0 ? 0.5 : _families.Draw(family, ref random);
            p.Score = (draw * TrustOf(p.Model) * gain) - (CostWeight * cost);
        }

        if (proposals.Count > 1)
        {
            proposals.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        }
        if (proposals.Count > 0)
        {
            Proposal best = proposals[0];
            _lastCount = proposals.Count;
            _lastFamily = best.Family;
            _lastModel = best.Model;
            _lastScore = best.Score;
        }
    }

    /// <inheritdoc/>
    public void Analyse(EngineSnapshot snapshot, List<Proposal> proposals)
    {
        // The performance model proposes nothing itself: it ranks what the others propose.
    }

    /// <inheritdoc/>
    public void Learn(Proposal proposal, ProposalOutcome outcome)
    {
        int family = FamilyIndex(proposal.Family);
        if (family >= 0 && outcome.State != ProposalState.OnTrial)
        {
            bool kept = outcome.State == ProposalState.Kept;
            _families.Learn(family, kept, outcome.State == ProposalState.Refused ? 0.5 : 1);
        }

        double expected = proposal.ExpectedGainPercent;
        if (!double.IsNaN(outcome.MeasuredGainPercent) && expected > 0)
        {
            int i = _modelNames.IndexOf(proposal.Model);
            if (i < 0)
            {
                _modelNames.Add(proposal.Model);
                _trust.Add(1);
                i = _trust.Count - 1;
            }

            double ratio = Math.Clamp(outcome.MeasuredGainPercent / expected, 0.1, 2);
            _trust[i] = Math.Clamp(_trust[i] + (TrustRate * (ratio - _trust[i])), 0.1, 2);
        }
    }

    /// <inheritdoc/>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append($"performance: {_families.Count} families, cost weight {CostWeight:F1}; last: {(_lastCount == 0 ? "none yet" : $"ranked {_lastCount}: best {_lastFamily} ({_lastModel}) score {_lastScore:F2}")}\n");
        for (int i = 0; i < _families.Count; i++)
        {
            sb.Append($"  family {_families.NameOf(i)}: keep rate {_families.KeepRate(i):F2} ({_families.Kept(i)} kept, {_families.RolledBack(i)} not)\n");
        }

        for (int i = 0; i < _modelNames.Count; i++)
        {
            sb.Append($"  trust in {_modelNames[i]}: {_trust[i]:F2}\n");
        }

        return sb.ToString();
    }

    private int FamilyIndex(string family)
    {
        int i = _families.IndexOf(family);
        if (i < 0 && _families.Count < MaxFamilies)
        {
            i = _families.Register(family);
        }

        return i;
    }
}
