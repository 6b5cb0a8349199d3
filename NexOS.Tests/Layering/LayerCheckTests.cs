using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using NexOS.Tests.Layering.Samples;

namespace NexOS.Tests.Layering;

/// <summary>The layer rule and the IL reader on their own, so a check that silently stopped
/// seeing uses (or stopped judging them) fails here rather than passing everything.</summary>
[TestFixture]
public class LayerCheckTests
{
    private static readonly IReadOnlyList<TypeUse> s_sampleUses = TypeReferenceGraph.Read(typeof(LowSample).Assembly.Location);

    [TestCase(typeof(CalledSample), TestName = "A static call in a method body is a use")]
    [TestCase(typeof(FieldTypeSample), TestName = "A generic argument of a field's type is a use")]
    [TestCase(typeof(LocalSample), TestName = "A local's type is a use")]
    [TestCase(typeof(TokenSample), TestName = "typeof is a use")]
    [TestCase(typeof(ParameterSample), TestName = "A parameter's type is a use")]
    [TestCase(typeof(BaseSample), TestName = "A base type is a use")]
    [TestCase(typeof(NestedUserSample), TestName = "A nested type's use counts for its outer type")]
    public void TheReaderSeesEachKindOfUse(Type target)
    {
        Assert.That(s_sampleUses, Has.Some.Matches<TypeUse>(u => u.From == typeof(LowSample).FullName && u.To == target.FullName && u.ToAssembly == null));
    }

    [Test]
    public void TheReaderNamesTheAssemblyOfAnExternalType()
    {
        Assert.That(s_sampleUses, Has.Some.Matches<TypeUse>(u => u.From == typeof(LowSample).FullName && u.To == "System.Text.StringBuilder" && u.ToAssembly != null));
    }

    [Test]
    public void ALowerLayerNamingAHigherOneIsAViolation()
    {
        List<LayerViolation> found = KernelLayers.Check([new TypeUse("NexOS.Kernel.Threading.Scheduler", "NexOS.Kernel.Hooks.KernelHooks", null)]);
        Assert.That(found, Has.Count.EqualTo(1));
        Assert.That(found[0].ToString(), Does.Contain("threads").And.Contain("hooks"));
    }

    [TestCase("NexOS.Kernel.Syscalls.SyscallIpc", "NexOS.Kernel.Ipc.KernelIpc", TestName = "Looking down is allowed")]
    [TestCase("NexOS.Kernel.Threading.Scheduler", "NexOS.Kernel.Threading.WaitQueue", TestName = "Looking sideways within a layer is allowed")]
    [TestCase("NexOS.Kernel.Kernel", "NexOS.Kernel.Syscalls.SyscallDispatcher", TestName = "The composition root names every layer")]
    [TestCase("NexOS.Kernel.Arch.X64.Interrupts", "<PrivateImplementationDetails>", TestName = "Compiler-generated data is at the bottom")]
    public void AllowedUses(string from, string to)
    {
        Assert.That(KernelLayers.Check([new TypeUse(from, to, null)]), Is.Empty);
    }

    [TestCase("NexOS.Kernel.Threading.Scheduler", "NexOS.Ai.Engine.EvolutionEngine", "NexOS.Ai", TestName = "The threads layer may not use the AI engine")]
    [TestCase("NexOS.Kernel.Arch.X64.IoApic", "NexOS.Core.Acpi.Madt", "NexOS.Drivers", TestName = "The arch layer may not use the drivers")]
    [TestCase("NexOS.Kernel.Threading.Scheduler", "NexOS.Security.Patching.PolicyHook", "NexOS.Security", TestName = "The threads layer may not use the patch manager")]
    public void AssemblyFloors(string from, string to, string assembly)
    {
        Assert.That(KernelLayers.Check([new TypeUse(from, to, assembly)]), Has.Count.EqualTo(1));
    }

    [Test]
    public void TheHooksLayerMayUseTheTrustedBase()
    {
        Assert.That(KernelLayers.Check([new TypeUse("NexOS.Kernel.Hooks.KernelHooks", "NexOS.Security.Patching.PolicyHook", "NexOS.Security")]), Is.Empty);
    }

    [TestCase("NexOS.Kernel.Filesystems.Fat", TestName = "A new kernel namespace must be given a layer")]
    [TestCase("NexOS.KernelExtras.Thing", TestName = "A look-alike prefix is not a kernel layer")]
    public void UnplacedNamespacesAreViolations(string from)
    {
        Assert.That(KernelLayers.Check([new TypeUse(from, "NexOS.Kernel.Metrics.KernelMetrics", null)]), Has.Count.EqualTo(1));
    }
}
