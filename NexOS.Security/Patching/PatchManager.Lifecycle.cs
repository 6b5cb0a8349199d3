using NexOS.Security.Audit;
using NexOS.Security.Evaluation;

namespace NexOS.Security.Patching;

/// <summary>After installation: watchdog records, canary verdicts, rollbacks and restores.</summary>
public sealed partial class PatchManager
{
    /// <summary>
    /// Logs watchdog removals the hooks made since the last call, then asks every canary's
    /// evaluator for a verdict and promotes or rolls back. Returns the number of state changes.
    /// </summary>
    public int Tick()
    {
        int changes = DrainFaults();
        for (int i = 0; i < Registry.Hooks.Count; i++)
        {
            PolicyHook hook = Registry.Hooks[i];
            ulong state = _host.Enter();
            InstalledPatch? active = hook.Active;
            CanaryVerdict verdict = CanaryVerdict.Undecided;
            if (active != null && active.Evaluator != null)
            {
                bool deadline = _host.NowNs - active.StartedNs > _policy.CanaryMaxNs;
                verdict = active.Evaluator.Decide(deadline);
                if (verdict == CanaryVerdict.Keep)
                {
                    hook.TryReplace(active, active.Promote(_host.NowNs));
                }
                else if (verdict == CanaryVerdict.RollBack)
                {
                    hook.TryReplace(active, active.Previous);
                }
            }

            _host.Leave(state);
            if (verdict != CanaryVerdict.Undecided)
            {
                LogVerdict(hook, active!, verdict);
                changes++;
            }
        }

        return changes;
    }

    /// <summary>Undoes patch <paramref name="patchId"/>: restores the state just before it was
    /// first applied (patches applied after it go too). Returns the outcome in one line.</summary>
    public string Rollback(ulong patchId)
    {
        DrainFaults();
        for (int i = 1; i < _versions.Count; i++)
        {
            if (_versions[i].PatchId == patchId)
            {
                if (!Current.IsActive(patchId))
                {
                    return $"evolve rollback: patch {patchId} is no longer active";
                }

                return RestoreTo(_versions[i - 1], patchId, $"manual rollback of patch {patchId}");
            }
        }

        return $"evolve rollback: no applied patch {patchId}";
    }

    /// <summary>Restores version 0, the boot state.</summary>
    public string RollbackAll() => RestoreTo(_versions[0], 0, "manual rollback of all patches");

    /// <summary>Restores version <paramref name="number"/> as a new version.</summary>
    public string Restore(int number)
    {
        if (number < 0 || number >= _versions.Count)
        {
            return $"evolve restore: no version {number} (0..{_versions.Count - 1})";
        }

        return RestoreTo(_versions[number], 0, $"restore of version {number}");
    }

    private string RestoreTo(PatchVersion target, ulong patchId, string why)
    {
        ulong state = _host.Enter();
        for (int i = 0; i < Registry.Hooks.Count && i < target.Hooks.Length; i++)
        {
            Registry.Hooks[i].Swap(target.Hooks[i]);
        }

        Registry.RestoreParameters(target.Parameters);
        _host.Leave(state);
        _parameterPatches = target.ParameterPatches;
        PatchVersion version = AddVersion(patchId, $"{why} (state of version {target.Number})");
        string message = $"{why}: version {version.Number} = state of version {target.Number}; active patches: {version.ActivePatches()}";
        Log(AuditEventKind.RolledBack, patchId, Actor, message);
        return message;
    }

    private int DrainFaults()
    {
        int changes = 0;
        Span<HookFault> faults = stackalloc HookFault[PolicyHook.FaultHistory];
        for (int i = 0; i < Registry.Hooks.Count; i++)
        {
            PolicyHook hook = Registry.Hooks[i];
            ulong state = _host.Enter();
            int count = hook.FaultCount;
            int first = Math.Max(_faultsLogged[i] + 1, count - PolicyHook.FaultHistory + 1);
            for (int n = first; n <= count; n++)
            {
                faults[n - first] = hook.FaultAt(n);
            }

            _host.Leave(state);
            if (count == _faultsLogged[i])
            {
                continue;
            }

            // More removals than the hook remembers between two drains: the oldest are counted only.
            int lost = first - _faultsLogged[i] - 1;
            _faultsLogged[i] = count;
            WatchdogRemovals += count - first + 1 + lost;
            for (int n = first; n <= count; n++)
            {
                HookFault fault = faults[n - first];
                LastFaultToRestoreNs = fault.FaultToRestoreNs;
                MaxFaultToRestoreNs = Math.Max(MaxFaultToRestoreNs, fault.FaultToRestoreNs);
                string detail = fault.Describe(hook.MinResult, hook.MaxResult) + (lost > 0 && n == first ? $" ({lost} earlier removals not described)" : string.Empty);
                PatchVersion version = AddVersion(fault.PatchId, $"watchdog removed patch {fault.PatchId} from {hook.Name}");
                Log(AuditEventKind.RolledBack, fault.PatchId, Actor, $"version {version.Number}: {hook.Name}: {detail}");
                changes++;
            }
        }

        return changes;
    }

    private void LogVerdict(PolicyHook hook, InstalledPatch trial, CanaryVerdict verdict)
    {
        CanaryEvaluator e = trial.Evaluator!;
        string stats = $"{hook.MetricName}: baseline mean {e.Baseline.Mean:F0} (n {e.Baseline.Count}), canary mean {e.Canary.Mean:F0} (n {e.Canary.Count}), P(better) {e.LastConfidenceBetter:F4}";
        bool keep = verdict == CanaryVerdict.Keep;
        PatchVersion version = AddVersion(trial.PatchId, keep ? $"promoted patch {trial.PatchId} on {hook.Name}" : $"canary rollback of patch {trial.PatchId} on {hook.Name}");
        Log(keep ? AuditEventKind.Promoted : AuditEventKind.RolledBack, trial.PatchId, Actor, $"version {version.Number}: {stats}");
    }
}
