using NexOS.Core.Policy;
using NexOS.Security.Policy;

namespace NexOS.Security.Patching;

/// <summary>
/// Everything that may be patched: hooks and named parameter sets. Registering also enters
/// the target in <see cref="PatchTargets"/>, which the policy checker consults, so a hook or
/// parameter set exists for patches exactly when it is registered here. Registration is a
/// start-up step and may allocate; look-ups are linear scans over a handful of entries.
/// </summary>
public sealed class HookRegistry
{
    private readonly List<PolicyHook> _hooks = new();
    private readonly List<(string Name, ParameterSet Set)> _sets = new();
    private readonly Func<ulong> _clock;

    /// <summary>Creates an empty registry whose hooks time their faults with <paramref name="clock"/>.</summary>
    public HookRegistry(Func<ulong> clock)
    {
        _clock = clock;
    }

    /// <summary>The registered targets, for the policy checker.</summary>
    public PatchTargets Targets { get; } = new();

    /// <summary>The hooks in registration order.</summary>
    public IReadOnlyList<PolicyHook> Hooks => _hooks;

    /// <summary>The parameter sets in registration order.</summary>
    public IReadOnlyList<(string Name, ParameterSet Set)> ParameterSets => _sets;

    /// <summary>Registers a hook; returns an error for a duplicate name.</summary>
    public string? AddHook(PolicyHook hook)
    {
        string? error = Targets.AddHook(hook.Name, hook.SafetyClass);
        if (error == null)
        {
            hook.Clock = _clock;
            _hooks.Add(hook);
        }

        return error;
    }

    /// <summary>Registers a parameter set under <paramref name="name"/>; returns an error for a duplicate.</summary>
    public string? AddParameterSet(string name, ParameterSet set, SafetyClass defaultClass)
    {
        string? error = Targets.AddParameterSet(name, set, defaultClass);
        if (error == null)
        {
            _sets.Add((name, set));
        }

        return error;
    }

    /// <summary>The hook called <paramref name="name"/>, or null.</summary>
    public PolicyHook? FindHook(string name)
    {
        foreach (PolicyHook hook in _hooks)
        {
            if (hook.Name == name)
            {
                return hook;
            }
        }

        return null;
    }

    /// <summary>The set registered as <paramref name="name"/>, or null.</summary>
    public ParameterSet? FindParameterSet(string name)
    {
        foreach ((string Name, ParameterSet Set) entry in _sets)
        {
            if (entry.Name == name)
            {
                return entry.Set;
            }
        }

        return null;
    }

    /// <summary>Every registered parameter's value, in set then parameter order (a version's snapshot).</summary>
    public long[] SnapshotParameters()
    {
        int count = 0;
        foreach ((string Name, ParameterSet Set) entry in _sets)
        {
            count += entry.Set.All.Count;
        }

        var values = new long[count];
        int i = 0;
        foreach ((string Name, ParameterSet Set) entry in _sets)
        {
            foreach (Parameter p in entry.Set.All)
            {
                values[i++] = p.Value;
            }
        }

        return values;
    }

    /// <summary>Sets every parameter from a snapshot taken by <see cref="SnapshotParameters"/>.
    /// Values come from an earlier accepted state, so they are in range.</summary>
    public void RestoreParameters(long[] values)
    {
        int i = 0;
        foreach ((string Name, ParameterSet Set) entry in _sets)
        {
            foreach (Parameter p in entry.Set.All)
            {
                if (i < values.Length)
                {
                    p.TrySet(values[i]);
                }

                i++;
            }
        }
    }

    /// <summary>Every hook's installed patch (null for the default), in registration order.</summary>
    public InstalledPatch?[] SnapshotHooks()
    {
        var active = new InstalledPatch?[_hooks.Count];
        for (int i = 0; i < active.Length; i++)
        {
            active[i] = _hooks[i].Active;
        }

        return active;
    }
}
