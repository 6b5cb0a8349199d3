using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace NexOS.Tests.Layering.Samples;

// Types whose only purpose is to be read back by TypeReferenceGraph in LayerCheckTests:
// LowSample names each of the others in one way.
#pragma warning disable CA1822, IDE0051, IDE0059

internal class BaseSample
{
}

internal static class CalledSample
{
    public static int Value() => 42;
}

internal sealed class FieldTypeSample
{
}

internal sealed class LocalSample
{
    public int Count = 1;
}

internal sealed class TokenSample
{
}

internal sealed class ParameterSample
{
}

internal sealed class NestedUserSample
{
    public static readonly object Marker = new();
}

internal sealed class LowSample : BaseSample
{
    private readonly List<FieldTypeSample> _items = [];

    public int Call() => CalledSample.Value();

    public int Local()
    {
        var local = new LocalSample();
        return local.Count + _items.Count;
    }

    public Type Token() => typeof(TokenSample);

    public void Parameter(ParameterSample sample)
    {
    }

    public string External() => new StringBuilder("x").ToString();

    private static class Inner
    {
        public static object Touch() => NestedUserSample.Marker;
    }
}
