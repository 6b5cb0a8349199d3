using NexOS.Abi;
using NexOS.Ai.Engine;
using NexOS.Kernel.Arch.X64;
using NexOS.Kernel.Syscalls;
using NexOS.Security.Audit;
using NexOS.Security.Patching;
using NexOS.Security.Persistence;

namespace NexOS.Kernel.SelfEvolution;

/// <summary>
/// Self-evolution's state that outlives a boot, behind StateRead and StateRestore: the audit
/// trail, what the engine learned, the trusted keys, the settings and the active patches from
/// outside, as text the state keeper
/// (user/keeper) stores on the disk. The checks are NexOS.Security's
/// <see cref="PersistentState"/>; learned state goes through the same parser as the shipped
/// priors. Each kind is restored at most once per boot, so a keeper cannot replay a trail
/// twice into one chain. Everything runs under the patch manager's gate. StateRead also
/// hands out the dashboard's JSON snapshot of the running system
/// (<see cref="DashboardSnapshot"/>, which takes the gate itself for the part that needs it);
/// it is never restored.
/// </summary>
internal sealed class KernelState : IKernelState
{
    private readonly bool[] _restored = new bool[6];

    /// <inheritdoc/>
    public ulong Version
    {
        get
        {
            PatchManager? manager = KernelEvolution.Manager;
            return manager == null ? 0 : manager.Trail.FirstSequence + (ulong)manager.Trail.Count;
        }
    }

    /// <inheritdoc/>
    public string? Read(StateKind kind)
    {
        if (kind == StateKind.Dashboard)
        {
            return DashboardSnapshot.Compose();
        }

        PatchManager? manager = KernelEvolution.Manager;
        EvolutionEngine? engine = KernelEvolution.Engine;
        if (manager == null || engine == null)
        {
            return null;
        }

        lock (manager.Gate)
        {
            return kind switch
            {
                StateKind.Audit => PersistentState.WriteAudit(manager),
                StateKind.Learned => engine.ExportLearned().Format($"learned by the running system; restored at boot (audit sequence {Version})"),
                StateKind.Keys => PersistentState.WriteKeys(manager.Keys),
                StateKind.Settings => PersistentState.WriteSettings(manager, engine.Auto),
                StateKind.Patches => PersistentPatches.Write(manager),
                _ => null,
            };
        }
    }

    /// <inheritdoc/>
    public bool Restore(StateKind kind, string text, out string report)
    {
        PatchManager? manager = KernelEvolution.Manager;
        EvolutionEngine? engine = KernelEvolution.Engine;
        if (kind == StateKind.Dashboard)
        {
            report = "refused: the dashboard snapshot is read only";
            return false;
        }

        if (manager == null || engine == null || (ulong)kind >= (ulong)_restored.Length)
        {
            report = "self-evolution is not running";
            return false;
        }

        lock (manager.Gate)
        {
            if (_restored[(int)kind])
            {
                report = "refused: this state was restored once already in this boot";
                return false;
            }

            _restored[(int)kind] = true;
            ulong now = Tsc.NowNs;
            switch (kind)
            {
                case StateKind.Audit:
                    return PersistentState.RestoreAudit(manager, text, now, out report);
                case StateKind.Keys:
                    return PersistentState.RestoreKeys(manager, text, now, out report);
                case StateKind.Settings:
                    bool adopted = PersistentState.RestoreSettings(manager, text, now, out bool? auto, out report);
                    engine.Auto = auto ?? engine.Auto;
                    return adopted;
                case StateKind.Patches:
                    return PersistentPatches.Restore(manager, text, now, out report);
                default:
                    ModelPriors learned = ModelPriors.Parse(System.Text.Encoding.UTF8.GetBytes(text));
                    report = "learned state " + engine.ApplyPriors(learned);
                    manager.Trail.Append(now, AuditEventKind.StateRestored, 0, PersistentState.Actor, report);
                    return learned.Errors.Count == 0 || learned.Families.Count + learned.Values.Count > 0;
            }
        }
    }
}
