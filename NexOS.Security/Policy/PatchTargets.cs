using NexOS.Core.Policy;

namespace NexOS.Security.Policy;

/// <summary>
/// What may be patched at all: the hooks CIL patches may replace and the parameter sets
/// parameter patches may change, each with a <see cref="SafetyClass"/>. A target that is not
/// registered here cannot be patched at any level. Registration happens at start-up and may
/// allocate; look-ups are linear scans over a few dozen entries and do not allocate.
/// </summary>
public sealed class PatchTargets
{
    private readonly List<(string Name, SafetyClass Class)> _hooks = new();
    private readonly List<(string Name, ParameterSet Set, SafetyClass DefaultClass)> _sets = new();
    private readonly List<(string Set, string Parameter, SafetyClass Class)> _parameterClasses = new();

    /// <summary>Registers a hook; returns an error for a duplicate name.</summary>
    public string? AddHook(string name, SafetyClass safetyClass)
    {
        if (TryFindHook(name, out _))
        {
            return $"hook '{name}' is already registered";
        }

        _hooks.Add((name, safetyClass));
        return null;
    }

    /// <summary>Registers a parameter set whose parameters all have
    /// <paramref name="defaultClass"/> unless <see cref="SetParameterClass"/> says otherwise.</summary>
    public string? AddParameterSet(string name, ParameterSet set, SafetyClass defaultClass)
    {
        if (TryFindParameterSet(name, out _))
        {
            return $"parameter set '{name}' is already registered";
        }

        _sets.Add((name, set, defaultClass));
        return null;
    }

    /// <summary>Gives one parameter of a registered set its own class.</summary>
    public string? SetParameterClass(string setName, string parameterName, SafetyClass safetyClass)
    {
        if (!TryFindParameterSet(setName, out ParameterSet? set) || set!.Find(parameterName) == null)
        {
            return $"no parameter '{parameterName}' in a set '{setName}'";
        }

        for (int i = 0; i < _parameterClasses.Count; i++)
        {
            if (_parameterClasses[i].Set == setName && _parameterClasses[i].Parameter == parameterName)
            {
                _parameterClasses[i] = (setName, parameterName, safetyClass);
                return null;
            }
        }

        _parameterClasses.Add((setName, parameterName, safetyClass));
        return null;
    }

    /// <summary>Finds a hook's class.</summary>
    public bool TryFindHook(string name, out SafetyClass safetyClass)
    {
        foreach ((string Name, SafetyClass Class) hook in _hooks)
        {
            if (hook.Name == name)
            {
                safetyClass = hook.Class;
                return true;
            }
        }

        safetyClass = SafetyClass.Critical;
        return false;
    }

    /// <summary>Finds a registered parameter set.</summary>
    public bool TryFindParameterSet(string name, out ParameterSet? set)
    {
        foreach ((string Name, ParameterSet Set, SafetyClass DefaultClass) entry in _sets)
        {
            if (entry.Name == name)
            {
                set = entry.Set;
                return true;
            }
        }

        set = null;
        return false;
    }

    /// <summary>The class of a parameter: its own if set, else its set's default, else
    /// Critical (an unregistered set is treated as the most dangerous kind).</summary>
    public SafetyClass ParameterClass(string setName, string parameterName)
    {
        foreach ((string Set, string Parameter, SafetyClass Class) entry in _parameterClasses)
        {
            if (entry.Set == setName && entry.Parameter == parameterName)
            {
                return entry.Class;
            }
        }

        foreach ((string Name, ParameterSet Set, SafetyClass DefaultClass) entry in _sets)
        {
            if (entry.Name == setName)
            {
                return entry.DefaultClass;
            }
        }

        return SafetyClass.Critical;
    }
}
