using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
namespace NexOS.Tests.Layering;

/// <summary>A layer of the kernel: its rank (higher sits above), a name for messages, and the
/// namespaces that belong to it.</summary>
internal sealed record KernelLayer(int Rank, string Name, string[] Namespaces);

/// <summary>One use that breaks the rule: a type names one in a higher layer (or an assembly
/// its layer may not use).</summary>
internal sealed record LayerViolation(string From, string FromLayer, string To, string ToLayer)
{
    public override string ToString() => $"{From} ({FromLayer}) names {To} ({ToLayer})";
}

/// <summary>
/// The kernel's layers, bottom to top, and the rule that keeps them one-way: a type may name
/// types of its own layer and of the layers below, never of a layer above. The composition
/// layer on top (the boot path in Kernel.cs, the commands, the self tests, the demos, the
/// workloads) may name everything; it is where the layers are wired together, hooks passed
/// down as interfaces. Namespaces match by prefix, the longest entry wins; a namespace of the
/// kernel that no entry covers is itself a violation, so a new one has to be placed here.
/// docs/architecture.md draws the same table.
/// </summary>
internal static class KernelLayers
{
    public const int Composition = 10;

    public static readonly KernelLayer[] Layers =
    [
        new(0, "metrics", ["NexOS.Kernel.Metrics"]),
        new(1, "arch", ["NexOS.Kernel.Arch", "NexOS.Kernel.Platform"]),
        new(2, "runtime", ["NexOS.Runtime", "System.Runtime", "NexOS.Kernel.Debugging"]),
        new(3, "boot information", ["NexOS.Kernel.Boot"]),
        new(4, "memory", ["NexOS.Kernel.Memory"]),
        new(5, "threads", ["NexOS.Kernel.Threading"]),
        new(6, "ipc", ["NexOS.Kernel.Ipc"]),
        new(7, "processes", ["NexOS.Kernel.Processes"]),
        new(8, "hooks", ["NexOS.Kernel.Hooks"]),
        new(9, "system calls", ["NexOS.Kernel.Syscalls"]),
        new(Composition, "composition", [
            "NexOS.Kernel", "NexOS.Kernel.Commands", "NexOS.Kernel.SelfTest", "NexOS.Kernel.Demos",
            "NexOS.Kernel.Benchmarks", "NexOS.Kernel.Workloads", "NexOS.Kernel.SelfEvolution"]),
    ];

    /// <summary>The lowest layer allowed to use each assembly the kernel references; an
    /// assembly missing here is usable from every layer (the class library, the portable
    /// logic in NexOS.Core, the ABI).</summary>
    public static readonly Dictionary<string, int> AssemblyFloor = new()
    {
        ["NexOS.Security"] = 8,  // the trusted base: verifier, interpreter, patch manager, audit
        ["NexOS.Ai"] = Composition,
        ["NexOS.Services"] = Composition,
        ["NexOS.Drivers"] = Composition,
    };

    /// <summary>The layer of a kernel type's namespace, or null when no entry covers it.
    /// Compiler-generated types outside any namespace are data only and sit at the bottom.</summary>
    public static KernelLayer? LayerOf(string typeName)
    {
        int dot = typeName.LastIndexOf('.');
        if (dot < 0)
        {
            return Layers[0];
        }

        string ns = typeName[..dot];
        KernelLayer? best = null;
        int bestLength = -1;
        foreach (KernelLayer layer in Layers)
        {
            foreach (string prefix in layer.Namespaces)
            {
                bool covers = ns == prefix || (ns.StartsWith(prefix + ".", StringComparison.Ordinal) && prefix != "NexOS.Kernel");
                if (covers && prefix.Length > bestLength)
                {
                    best = layer;
                    bestLength = prefix.Length;
                }
            }
        }

        return best;
    }

    /// <summary>Every use in <paramref name="uses"/> that breaks the rule.</summary>
    public static List<LayerViolation> Check(IEnumerable<TypeUse> uses)
    {
        var violations = new List<LayerViolation>();
        foreach (TypeUse use in uses)
        {
            KernelLayer? from = LayerOf(use.From);
            if (from == null)
            {
                violations.Add(new LayerViolation(use.From, "no layer", use.To, "-"));
                continue;
            }

            if (use.ToAssembly != null)
            {
                if (AssemblyFloor.TryGetValue(use.ToAssembly, out int floor) && from.Rank < floor)
                {
                    violations.Add(new LayerViolation(use.From, from.Name, $"{use.To} in {use.ToAssembly}", Layers.First(l => l.Rank == floor).Name));
                }

                continue;
            }

            KernelLayer? to = LayerOf(use.To);
            if (to == null)
            {
                violations.Add(new LayerViolation(use.From, from.Name, use.To, "no layer"));
            }
            else if (to.Rank > from.Rank && from.Rank != Composition)
            {
                violations.Add(new LayerViolation(use.From, from.Name, use.To, to.Name));
            }
        }

        return violations.Distinct().ToList();
    }
}
