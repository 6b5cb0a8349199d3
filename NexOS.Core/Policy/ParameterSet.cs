namespace NexOS.Core.Policy;

/// <summary>The tunables of one policy, looked up by name.</summary>
public sealed class ParameterSet
{
    private readonly List<Parameter> _parameters = new();

    public IReadOnlyList<Parameter> All => _parameters;

    /// <summary>Adds a parameter; names are unique within a set.</summary>
    public Parameter Add(Parameter parameter)
    {
        if (Find(parameter.Name) != null)
        {
            throw new ArgumentException($"duplicate parameter {parameter.Name}", nameof(parameter));
        }

        _parameters.Add(parameter);
        return parameter;
    }

    public Parameter? Find(string name)
    {
        foreach (Parameter p in _parameters)
        {
            if (p.Name == name)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>Sets a parameter by name; returns an error for an unknown name or a value out
    /// of range, changing nothing.</summary>
    public string? TrySet(string name, long value)
    {
        Parameter? p = Find(name);
        return p == null ? $"unknown parameter '{name}'" : p.TrySet(value);
    }
}
