namespace NexOS.Security.Patches;

/// <summary>One entry of a parameter patch: set the tunable <see cref="Name"/> to <see cref="Value"/>.</summary>
public readonly struct ParameterChange
{
    /// <summary>Creates a change.</summary>
    public ParameterChange(string name, long value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The parameter's name within the target parameter set.</summary>
    public string Name { get; }

    /// <summary>The proposed new value, in the parameter's unit.</summary>
    public long Value { get; }
}
