using NexOS.Security.Audit;
using NexOS.Security.External;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Security.Patching;

/// <summary>
/// Takes patches from bytes to running code and back out: parse, policy check, CIL
/// verification, canary trial, promotion or rollback; and the watchdog's removals, logged.
/// Every step is appended to <see cref="Trail"/> and every change of state is a numbered
/// <see cref="PatchVersion"/>. Contract: no method throws on any input (bad input becomes a
/// refusal with a one-line reason); the manager's own methods run on one thread at a time
/// (the shell's and the evolve thread's callers take <see cref="Gate"/>); hook calls may
/// interleave at any point except inside <see cref="IEvolveHost.Enter"/> sections.
/// As an <see cref="IPatchSink"/> it is the door for patches from outside: those take the
/// gate themselves and are judged as channel <see cref="PatchOrigin.External"/>.
/// </summary>
public sealed partial class PatchManager : IPatchSink
{
    /// <summary>Actor name for the manager's own audit records.</summary>
    public const string Actor = "evolve";

    private readonly IEvolveHost _host;
    private readonly PatchRateLimiter _rate = new();
    private readonly List<PatchVersion> _versions = new();
    private readonly int[] _faultsLogged;
    private ulong[] _parameterPatches = Array.Empty<ulong>();
    private SecurityPolicy _policy;
    private ulong _highestPatchId;
    private string _source = UnreadableSource;
    private bool _fromOutside;

    /// <summary>Creates a manager at <paramref name="level"/> and records version 0, the boot state.</summary>
    public PatchManager(HookRegistry registry, AuditTrail trail, PatchKeyRing keys, IEvolveHost host, SecurityLevel level)
    {
        Registry = registry;
        Trail = trail;
        Keys = keys;
        _host = host;
        _policy = SecurityPolicies.For(level);
        _faultsLogged = new int[registry.Hooks.Count];
        AddVersion(0, "boot state: compiled defaults and boot parameters");
    }

    /// <summary>Serialises the manager's callers (shell, evolve thread).</summary>
    public object Gate { get; } = new();

    /// <summary>The hooks and parameter sets.</summary>
    public HookRegistry Registry { get; }

    /// <summary>The audit trail every step is written to.</summary>
    public AuditTrail Trail { get; }

    /// <summary>Keys for signed external patches.</summary>
    public PatchKeyRing Keys { get; }

    /// <summary>The security level's rules now.</summary>
    public SecurityPolicy Policy => _policy;

    /// <summary>Highest patch id accepted; a new patch must exceed it.</summary>
    public ulong HighestPatchId => _highestPatchId;

    /// <summary>Every version so far, oldest first.</summary>
    public IReadOnlyList<PatchVersion> Versions => _versions;

    /// <summary>The state now.</summary>
    public PatchVersion Current => _versions[_versions.Count - 1];

    /// <summary>Patches submitted, accepted and refused since boot.</summary>
    public int Submitted { get; private set; }

    /// <summary>Patches that passed every check.</summary>
    public int Accepted { get; private set; }

    /// <summary>Watchdog removals logged since boot.</summary>
    public int WatchdogRemovals { get; private set; }

    /// <summary>The largest fault-to-restore time seen, in nanoseconds.</summary>
    public ulong MaxFaultToRestoreNs { get; private set; }

    /// <summary>The last fault-to-restore time seen, in nanoseconds.</summary>
    public ulong LastFaultToRestoreNs { get; private set; }

    /// <summary>
    /// Changes the security level; logged as PolicyChanged. A hook patch the new level would
    /// refuse (CIL not allowed, or the hook's class not patchable) is removed at once, each
    /// removal a version and a RolledBack record; parameter values stay (FIXME: the
    /// manager does not yet reset parameters whose class the new level freezes).
    /// </summary>
    public string SetLevel(SecurityLevel level)
    {
        string from = PolicyNames.Name(_policy.Level);
        _policy = SecurityPolicies.For(level);
        string message = $"security level {from} -> {PolicyNames.Name(_policy.Level)}";
        Log(AuditEventKind.PolicyChanged, 0, Actor, message);
        int removed = 0;
        foreach (PolicyHook hook in Registry.Hooks)
        {
            InstalledPatch? active = hook.Active;
            if (active == null || (_policy.CilAllowed && PolicyNames.Contains(_policy.PatchableHooks, hook.SafetyClass)))
            {
                continue;
            }

            ulong state = _host.Enter();
            hook.Swap(null);
            _host.Leave(state);
            removed++;
            PatchVersion version = AddVersion(active.PatchId, $"{PolicyNames.Name(level)} removed patch {active.PatchId} from {hook.Name}");
            Log(AuditEventKind.RolledBack, active.PatchId, Actor, $"version {version.Number}: {PolicyNames.Name(level)} does not allow CIL patches on {PolicyNames.Name(hook.SafetyClass)} hook {hook.Name}; compiled default restored");
        }

        return removed == 0 ? message : $"{message}; removed {removed} hook patch{(removed == 1 ? string.Empty : "es")} the level does not allow";
    }

    /// <summary>
    /// Submits encoded patch bytes that arrived on <paramref name="channel"/>. Parameter
    /// patches are applied whole once checked; CIL patches are verified and start a canary.
    /// </summary>
    public SubmitResult Submit(ReadOnlySpan<byte> bytes, PatchOrigin channel)
    {
        Submitted++;
        _fromOutside = channel != PatchOrigin.Engine;
        if (!PatchReader.TryParse(bytes, out Patch? patch, out PatchError error))
        {
            string reason = "unreadable patch: " + error.Message;
            CountRefusal(UnreadableSource);
            Log(AuditEventKind.Rejected, 0, Actor, reason);
            return new SubmitResult(false, 0, "rejected: " + reason);
        }

        PatchProvenance p = patch.Provenance;
        _source = p.Source;
        Log(AuditEventKind.Proposed, p.PatchId, p.Source, $"{PatchNames.Name(patch.Kind)} patch for {patch.Target}: {p.Reason}");
        if (IsQuarantined(p.Source))
        {
            return Refuse(p.PatchId, $"source '{p.Source}' is quarantined by the security model");
        }

        var context = new PolicyContext(channel, Registry.Targets, Keys, _rate.CountInWindow(_host.NowNs), _highestPatchId);
        PolicyDecision decision = PolicyChecker.Check(patch, _policy, context);
        if (!decision.IsAllowed)
        {
            return Refuse(p.PatchId, "policy: " + decision.Message);
        }

        return patch.Kind == PatchKind.Cil ? SubmitCil(patch, decision) : ApplyParameters(patch);
    }

    /// <summary>
    /// Submits a patch that arrived from outside (the patch line, later a file): the same
    /// checks as <see cref="Submit(ReadOnlySpan{byte}, PatchOrigin)"/> on channel External,
    /// under <see cref="Gate"/>, and an accepted one is kept for the state keeper
    /// (<see cref="ActiveKeptPatches"/>). Never throws; the verdict is the result's one-line message.
    /// </summary>
    public bool Submit(ReadOnlySpan<byte> patchBytes, out string verdict)
    {
        SubmitResult result;
        lock (Gate)
        {
            result = SubmitAndKeep(patchBytes, PatchOrigin.External);
        }

        verdict = result.Message;
        return result.Accepted;
    }

    /// <summary>Trusts <paramref name="key"/> for signed external patches from now on;
    /// logged as PolicyChanged. Returns what happened, or why not.</summary>
    public string AddKey(PatchSigningKey key)
    {
        string? error = Keys.TryAdd(key);
        if (error != null)
        {
            return "key not added: " + error;
        }

        string message = $"key {key.KeyId} trusted for signed external patches ({Keys.Count} in the ring)";
        Log(AuditEventKind.PolicyChanged, 0, Actor, message);
        return message;
    }

    private SubmitResult Refuse(ulong patchId, string reason)
    {
        CountRefusal(_source);
        Log(AuditEventKind.Rejected, patchId, Actor, reason);
        return new SubmitResult(false, patchId, $"rejected patch {patchId}: {reason}");
    }

    private void NoteAccepted(ulong patchId)
    {
        Accepted++;
        _highestPatchId = Math.Max(_highestPatchId, patchId);
        _rate.Record(_host.NowNs);
    }

    private SubmitResult ApplyParameters(Patch patch)
    {
        ulong id = patch.Provenance.PatchId;
        var set = Registry.FindParameterSet(patch.Target)!;
        Log(AuditEventKind.Verified, id, Actor, $"every value in range and within {_policy.MaxParameterStepBp} bp of its range");
        NoteAccepted(id);
        var inEffect = new ulong[_parameterPatches.Length + 1];
        _parameterPatches.CopyTo(inEffect, 0);
        inEffect[^1] = id;
        _parameterPatches = inEffect;
        string changes = string.Empty;
        foreach (ParameterChange change in patch.Parameters)
        {
            long old = set.Find(change.Name)!.Value;
            set.TrySet(change.Name, change.Value);
            changes += (changes.Length == 0 ? string.Empty : ", ") + $"{change.Name} {old} -> {change.Value}";
        }

        PatchVersion version = AddVersion(id, $"parameters of {patch.Target}: {changes}");
        Log(AuditEventKind.Applied, id, Actor, $"version {version.Number}: {changes}");
        return new SubmitResult(true, id, $"applied patch {id} as version {version.Number}: {changes}");
    }

    private PatchVersion AddVersion(ulong patchId, string what)
    {
        var version = new PatchVersion(_versions.Count, patchId, what, _host.NowNs, Registry.SnapshotHooks(), Registry.SnapshotParameters(), _parameterPatches);
        _versions.Add(version);
        return version;
    }

    private void Log(AuditEventKind kind, ulong patchId, string actor, string detail)
        => Trail.Append(_host.NowNs, kind, patchId, actor, detail);
}
