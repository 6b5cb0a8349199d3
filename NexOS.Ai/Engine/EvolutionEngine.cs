using NexOS.Ai.Learning;
using NexOS.Ai.Monitoring;
using NexOS.Security.Patching;
using NexOS.Security.Patches;

namespace NexOS.Ai.Engine;

/// <summary>
/// The seed's cycle: monitor, analyse, generate, verify, apply, learn, repeat. Each
/// <see cref="Step"/> samples the metrics, lets every model analyse them, has the performance
/// model rank the proposals, submits the best one to the patch manager when automatic
/// evolution is on (the manager verifies it under the security level and starts its canary),
/// and follows earlier proposals until the manager keeps or rolls them back, when the model
/// that made them and the family beliefs learn. Contract: one caller at a time (the evolve
/// thread or the shell, both under the manager's gate); never throws on metric values or on
/// a model's proposal; allocates (it is not on any hot path).
/// </summary>
public sealed class EvolutionEngine
{
    /// <summary>Proposals remembered for `evolve explain`.</summary>
    public const int HistoryCapacity = 64;

    /// <summary>Samples taken before a model may judge (a window has to fill first).</summary>
    public const int DefaultWindow = 8;

    private readonly List<IEvolutionModel> _models = new();
    private readonly List<Proposal> _history = new();
    private readonly List<Proposal> _scratch = new();
    private readonly PatchManager _manager;
    private SplitMix _random;
    private readonly List<string> _heldFamilies = new();
    private readonly List<ulong> _heldUntil = new();
    private readonly List<int> _failuresInRow = new();
    private ulong _proposalsMade;

    /// <summary>Creates an engine over <paramref name="monitor"/> that submits to <paramref name="manager"/>.</summary>
    public EvolutionEngine(PatchManager manager, MetricMonitor monitor, PerformanceModel performance, ulong seed)
    {
        _manager = manager;
        Monitor = monitor;
        Performance = performance;
        _random = new SplitMix(seed);
        Snapshot = new EngineSnapshot(0, monitor, manager) { Cost = Cost };
        _models.Add(performance);
    }

    /// <summary>The sampled metrics.</summary>
    public MetricMonitor Monitor { get; }

    /// <summary>The model that ranks proposals against the overall objective.</summary>
    public PerformanceModel Performance { get; }

    /// <summary>The view handed to models.</summary>
    public EngineSnapshot Snapshot { get; }

    /// <summary>Every model, the performance model first.</summary>
    public IReadOnlyList<IEvolutionModel> Models => _models;

    /// <summary>Proposals made so far, oldest first (at most <see cref="HistoryCapacity"/>).</summary>
    public IReadOnlyList<Proposal> History => _history;

    /// <summary>Whether <see cref="Step"/> submits the best proposal by itself.</summary>
    public bool Auto { get; set; }

    /// <summary>The least measured improvement (percent) for which a change is kept: a change
    /// that does not measurably help is rolled back too, since every change has a cost (a
    /// slack, a patch to interpret) and a risk. Below this, one window against the next is noise.</summary>
    public double MinGainPercent { get; set; } = DefaultMinGainPercent;

    /// <summary>The default of <see cref="MinGainPercent"/>.</summary>
    public const double DefaultMinGainPercent = 1;

    /// <summary>Steps a family waits after its first failure (doubling with each further one).</summary>
    public ulong BackoffSteps { get; set; } = 50;

    /// <summary>What a guard model (the security model) last did, or null.</summary>
    public string? LastGuardAction { get; private set; }

    /// <summary>Steps taken.</summary>
    public ulong Steps { get; private set; }

    /// <summary>The engine's own CPU and memory cost (the host supplies the clocks).</summary>
    public EngineCost Cost { get; } = new();

    /// <summary>Adds a model (once, at set-up).</summary>
    public void AddModel(IEvolutionModel model) => _models.Add(model);

    /// <summary>Where the pre-trained priors came from, or null when the engine started from nothing.</summary>
    public string? PriorsSource { get; private set; }

    /// <summary>
    /// Starts every model from pre-trained parameters: family beliefs for the performance
    /// model, starting estimates for the others. Call once, after the models are added.
    /// Returns one line about what was applied and what was skipped.
    /// </summary>
    public string ApplyPriors(ModelPriors priors)
    {
        foreach (IEvolutionModel model in _models)
        {
            if (model is IPrimableModel primable)
            {
                primable.Prime(priors);
            }
        }

        PriorsSource = priors.Source.Length == 0 ? "unnamed priors" : priors.Source;
        return $"primed from {PriorsSource}: {priors.Families.Count} family priors, {priors.Values.Count} values"
            + (priors.Errors.Count == 0 ? string.Empty : $", {priors.Errors.Count} lines skipped ({priors.Errors[0]})");
    }

    /// <summary>What every model has learned so far, in the priors format
    /// (<see cref="ModelPriors.Format"/> writes it, <see cref="ApplyPriors"/> takes it back
    /// on a later boot).</summary>
    public ModelPriors ExportLearned()
    {
        var priors = new ModelPriors();
        foreach (IEvolutionModel model in _models)
        {
            if (model is IPrimableModel primable)
            {
                primable.Export(priors);
            }
        }

        return priors;
    }

    /// <summary>The model called <paramref name="name"/>, or null.</summary>
    public IEvolutionModel? FindModel(string name)
    {
        foreach (IEvolutionModel model in _models)
        {
            if (model.Name == name)
            {
                return model;
            }
        }

        return null;
    }

    /// <summary>
    /// One cycle at <paramref name="nowNs"/>: sample, follow earlier proposals, analyse, rank;
    /// with <see cref="Auto"/> on and no proposal on trial, submit the best. Returns the
    /// proposals of this cycle, best first (the list is reused by the next call).
    /// </summary>
    public IReadOnlyList<Proposal> Step(ulong nowNs)
    {
        Cost.Enter();
        try
        {
            return StepCounted(nowNs);
        }
        finally
        {
            Cost.Leave();
        }
    }

    private IReadOnlyList<Proposal> StepCounted(ulong nowNs)
    {
        Steps++;
        (ulong Ns, ulong Bytes) mark = Cost.Mark();
        Monitor.Sample(nowNs);
        Cost.ModelDone("monitor", mark);
        Snapshot.NowNs = nowNs;
        foreach (IEvolutionModel model in _models)
        {
            if (model is IGuardModel guard && guard.Guard(Snapshot) is string action)
            {
                LastGuardAction = action;
            }
        }

        Follow(nowNs);
        IReadOnlyList<Proposal> ranked = Analyse(nowNs);
        if (Auto && !AnyOnTrial())
        {
            foreach (Proposal p in ranked)
            {
                if (p.Score > 0 && !IsHeld(p.Family))
                {
                    Submit(p, nowNs);
                    break;
                }
            }
        }

        return ranked;
    }

    /// <summary>
    /// Dry run: every model analyses the metrics as they stand and the performance model ranks
    /// what they propose. Nothing is submitted and nothing is remembered. Best first.
    /// </summary>
    public IReadOnlyList<Proposal> Analyse(ulong nowNs)
    {
        Cost.Enter();
        try
        {
            Snapshot.NowNs = nowNs;
            _scratch.Clear();
            foreach (IEvolutionModel model in _models)
            {
                (ulong Ns, ulong Bytes) mark = Cost.Mark();
                model.Analyse(Snapshot, _scratch);
                Cost.ModelDone(model.Name, mark);
            }

            Performance.Rank(_scratch, ref _random);
            foreach (Proposal p in _scratch)
            {
                p.Id = ++_proposalsMade;
            }

            return _scratch;
        }
        finally
        {
            Cost.Leave();
        }
    }

    /// <summary>
    /// Gives <paramref name="proposal"/> the next patch id, builds it and submits it to the
    /// manager as the engine. Records it in the history either way and returns the manager's
    /// one-line answer. A refusal is an outcome the proposing model learns from at once.
    /// </summary>
    public string Submit(Proposal proposal, ulong nowNs)
    {
        Cost.Enter();
        try
        {
            return SubmitCounted(proposal, nowNs);
        }
        finally
        {
            Cost.Leave();
        }
    }

    private string SubmitCounted(Proposal proposal, ulong nowNs)
    {
        if (proposal.State != ProposalState.Proposed && proposal.State != ProposalState.Passed)
        {
            return $"proposal {proposal.Id} was already submitted: {proposal.Verdict}";
        }

        proposal.PatchId = _manager.HighestPatchId + 1;
        Remember(proposal);
        MetricChannel? channel = Monitor.Find(proposal.Metric);
        proposal.MetricBefore = channel == null ? double.NaN : Monitor.Statistics(channel, DefaultWindow).Mean;
        byte[]? bytes = proposal.Build();
        if (bytes == null)
        {
            proposal.Verdict = "the model could not encode the change";
            Conclude(proposal, ProposalState.Refused, double.NaN);
            return proposal.Verdict;
        }

        SubmitResult result = _manager.Submit(bytes, PatchOrigin.Engine);
        proposal.Verdict = result.Message;
        proposal.StartedNs = nowNs;
        proposal.StartedRound = Monitor.Rounds;
        if (result.Accepted)
        {
            proposal.State = ProposalState.OnTrial;
        }
        else
        {
            Conclude(proposal, ProposalState.Refused, double.NaN);
        }

        return result.Message;
    }

    /// <summary>The proposal with id <paramref name="id"/> among those submitted and those of
    /// the last cycle or dry run, or null.</summary>
    public Proposal? Find(ulong id)
    {
        foreach (Proposal p in _history)
        {
            if (p.Id == id)
            {
                return p;
            }
        }

        foreach (Proposal p in _scratch)
        {
            if (p.Id == id)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>
    /// Follows every proposal on trial. A CIL patch first has to survive the manager's canary
    /// (gone means rolled back); then, for both kinds, once <see cref="DefaultWindow"/> samples
    /// have been taken since it was applied, the engine measures its metric against the window
    /// before it: unless it improved by at least <see cref="MinGainPercent"/> (or could not be
    /// measured at all), the engine rolls it back through the manager. So no change the
    /// measurement says is worse, or no better, is ever kept. Each decision is learned by its model and the performance model.
    /// </summary>
    public void Follow(ulong nowNs)
    {
        foreach (Proposal p in _history)
        {
            if (p.State != ProposalState.OnTrial)
            {
                continue;
            }

            bool active = p.Kind == PatchKind.Cil ? HookServing(p) != null : _manager.Current.IsActive(p.PatchId);
            if (!active)
            {
                Conclude(p, ProposalState.RolledBack, MeasuredGain(p));
                continue;
            }

            if ((p.Kind == PatchKind.Cil && HookServing(p)!.IsCanary) || Monitor.Rounds - p.StartedRound < DefaultWindow)
            {
                continue;
            }

            double gain = MeasuredGain(p);
            if (!(gain >= MinGainPercent))
            {
                p.Verdict = _manager.Rollback(p.PatchId);
                Conclude(p, ProposalState.RolledBack, gain);
            }
            else
            {
                Conclude(p, ProposalState.Kept, gain);
            }
        }
    }

    private InstalledPatch? HookServing(Proposal p)
    {
        foreach (PolicyHook hook in _manager.Registry.Hooks)
        {
            if (hook.Name == p.Target)
            {
                for (InstalledPatch? q = hook.Active; q != null; q = q.Previous)
                {
                    if (q.PatchId == p.PatchId)
                    {
                        return q;
                    }
                }
            }
        }

        return null;
    }

    private double MeasuredGain(Proposal p)
    {
        MetricChannel? channel = Monitor.Find(p.Metric);
        if (channel == null || double.IsNaN(p.MetricBefore) || p.MetricBefore == 0)
        {
            return double.NaN;
        }

        p.MetricAfter = Monitor.Statistics(channel, DefaultWindow).Mean;
        double change = (p.MetricAfter - p.MetricBefore) / Math.Abs(p.MetricBefore) * 100;
        return p.LowerIsBetter ? -change : change;
    }

    /// <summary>Whether automatic submission leaves family <paramref name="family"/> alone for
    /// now: after a rollback or refusal it waits <see cref="BackoffSteps"/> steps, doubled for
    /// every further failure in a row (at most 64 times), so a family that keeps failing is
    /// tried less and less often but never written off. A kept change resets it.</summary>
    public bool IsHeld(string family)
    {
        int i = _heldFamilies.IndexOf(family);
        return i >= 0 && Steps < _heldUntil[i];
    }

    private void Hold(string family, bool failed)
    {
        int i = _heldFamilies.IndexOf(family);
        if (i < 0)
        {
            _heldFamilies.Add(family);
            _heldUntil.Add(0);
            _failuresInRow.Add(0);
            i = _heldFamilies.Count - 1;
        }

        _failuresInRow[i] = failed ? Math.Min(_failuresInRow[i] + 1, 7) : 0;
        _heldUntil[i] = failed ? Steps + (BackoffSteps << (_failuresInRow[i] - 1)) : 0;
    }

    private void Conclude(Proposal p, ProposalState state, double gain)
    {
        p.State = state;
        Hold(p.Family, state != ProposalState.Kept);
        var outcome = new ProposalOutcome(state, gain);
        Performance.Learn(p, outcome);
        IEvolutionModel? model = FindModel(p.Model);
        if (model != null && model != Performance)
        {
            model.Learn(p, outcome);
        }
    }

    private bool AnyOnTrial()
    {
        foreach (Proposal p in _history)
        {
            if (p.State == ProposalState.OnTrial)
            {
                return true;
            }
        }

        return false;
    }

    private void Remember(Proposal proposal)
    {
        if (_history.Count == HistoryCapacity)
        {
            _history.RemoveAt(0);
        }

        _history.Add(proposal);
    }
}
