using System.IO;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using NexOS.PatchTool;
using NexOS.Security.Policy;

namespace NexOS.Tests.External;

/// <summary>Everything outside the subset is refused with a one-line reason, and hostile input
/// (truncated or foreign files, missing methods) never gets further than a clear message.</summary>
[TestFixture]
public class PolicyRejectionTests
{
    [Test]
    public void TheExampleLoopIsRefusedAtStrictWithRuleAndOffset()
    {
        string reason = PolicyKit.Rejection(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSliceWithLoop", level: SecurityLevel.Strict);
        Assert.That(reason, Does.Match(@"^a kernel at Strict refuses it: verifier: IL_[0-9A-F]{4}: backward branch to 0x[0-9A-F]{4} .*\[BackwardBranch\]$"));
    }

    [Test]
    public void AtParanoidNoCilPatchIsBuilt()
        => Assert.That(PolicyKit.Rejection(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice", level: SecurityLevel.Paranoid),
            Is.EqualTo("a kernel at Paranoid refuses it: policy: Paranoid: only the engine may submit patches; 'Ada Lovelace' is external"));

    [TestCase("CallsConsole", "calls System.Console.WriteLine(int64), which is not a whitelisted helper")]
    [TestCase("CallsMathWithDoubles", "calls System.Math.Max(float64,float64) returning float64, which is not a whitelisted helper")]
    [TestCase("ReadsStatic", "uses static field NexOS.Tests.External.TestPolicies.s_tunable")]
    [TestCase("WritesStatic", "uses static field NexOS.Tests.External.TestPolicies.s_tunable")]
    [TestCase("TakesFieldAddress", "takes the address of field NexOS.Policy.TimeSliceContext.Priority")]
    [TestCase("HasTryCatch", "has exception handlers")]
    [TestCase("HasDoubleLocal", "local 0 is of type float64; only int, long and bool locals are supported")]
    [TestCase("UsesString", "uses a string literal")]
    [TestCase("Allocates", "'newarr' refers to type System.Int64")]
    [TestCase("WrongReturnType", "returns int32, but hook sched.time_slice returns int64")]
    [TestCase("NoContext", "the first parameter is int64; it must be the hook's context struct")]
    [TestCase("WrongFieldType", "the first parameter is NexOS.Tests.External.WrongTypeContext from (the policy assembly) (no public key); hook sched.time_slice takes NexOS.Policy.TimeSliceContext from NexOS.PatchSdk (key token 5b43c514b1b82720)")]
    [TestCase("Overloaded", "is overloaded")]
    [TestCase("Missing", "no method 'Missing' in type NexOS.Tests.External.TestPolicies")]
    public void OutsideTheSubsetIsRefused(string method, string expected)
        => Assert.That(PolicyKit.Rejection(PolicyKit.TestAssembly, "TestPolicies." + method), Does.Contain(expected));

    [Test]
    public void AContextOfAnotherHookIsRefused()
        => Assert.That(PolicyKit.Rejection(PolicyKit.TestAssembly, "TestPolicies.PriorityReadsTimeSliceField"),
            Does.Contain("returns int32, but hook sched.time_slice returns int64"));

    [Test]
    public void FieldsOfAnotherHooksContextDoNotMap()
        => Assert.That(PolicyKit.Rejection(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice", "sched.priority_adjust"),
            Does.Contain("returns int64, but hook sched.priority_adjust returns int32"));

    [Test]
    public void InstanceMethodsAreRefused()
        => Assert.That(PolicyKit.Rejection(PolicyKit.TestAssembly, "NexOS.Tests.External.TestPolicies+Instance.TimeSlice"), Does.Contain("is not static"));

    [TestCase("NoSuchType.TimeSlice", "no type 'NoSuchType'")]
    [TestCase("TimeSlice", "is not of the form Type.Method")]
    [TestCase("SchedulerPolicies.", "is not of the form Type.Method")]
    public void MissingOrMalformedNamesAreRefused(string method, string expected)
        => Assert.That(PolicyKit.Rejection(PolicyKit.ExampleAssembly, method), Does.Contain(expected));

    [Test]
    public void UnknownHooksAreRefused()
        => Assert.That(PolicyKit.Rejection(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice", "mem.size_class"),
            Does.Contain("unknown hook 'mem.size_class' (known: sched.time_slice, sched.priority_adjust, gc.budget)"));

    [Test]
    public void AReadOfAFieldOfAnotherTypeIsRefused()
    {
        // Point the first ldfld of the good policy at a field of PriorityContext instead, in a
        // copy of the compiled assembly: C# itself cannot write that read.
        byte[] bytes = File.ReadAllBytes(PolicyKit.ExampleAssembly);
        int otherField = FindMemberRef(bytes, "PriorityContext", "Reason");
        int ownField = FindMemberRef(bytes, "TimeSliceContext", "PolicySliceNs");
        byte[] pattern = { 0x02, 0x7B, (byte)ownField, (byte)(ownField >> 8), (byte)(ownField >> 16), (byte)(ownField >> 24) };
        int at = bytes.AsSpan().IndexOf(pattern);
        Assert.That(at, Is.GreaterThan(0));
        BitConverter.TryWriteBytes(bytes.AsSpan(at + 2), otherField);
        string path = WriteTemp(bytes);
        try
        {
            Assert.That(PolicyKit.Rejection(path, "SchedulerPolicies.TimeSlice"),
                Does.Contain("reads field NexOS.Policy.PriorityContext.Reason, which is not a field of the context NexOS.Policy.TimeSliceContext"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void TruncatedAssembliesAreRefusedAtEveryLength()
    {
        byte[] whole = File.ReadAllBytes(PolicyKit.ExampleAssembly);
        string path = Path.Combine(Path.GetTempPath(), $"nexos-truncated-{Guid.NewGuid():N}.dll");
        try
        {
            foreach (int length in new[] { 0, 1, 64, 128, 512, whole.Length / 4, whole.Length / 2, whole.Length * 3 / 4 })
            {
                File.WriteAllBytes(path, whole.AsSpan(0, length).ToArray());
                string reason = PolicyKit.Rejection(path, "SchedulerPolicies.TimeSlice");
                Assert.That(reason, Does.Contain(path), $"length {length}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void RandomlyCorruptedAssembliesNeverEscapeAsAnythingButARejection()
    {
        byte[] whole = File.ReadAllBytes(PolicyKit.ExampleAssembly);
        var random = new Random(3);
        string path = Path.Combine(Path.GetTempPath(), $"nexos-corrupt-{Guid.NewGuid():N}.dll");
        try
        {
            for (int i = 0; i < 2000; i++)
            {
                byte[] copy = (byte[])whole.Clone();
                for (int flips = random.Next(1, 16); flips > 0; flips--)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                File.WriteAllBytes(path, copy);
                try
                {
                    PatchBuilder.Build(PolicyKit.Options(path, "SchedulerPolicies.TimeSlice"));
                }
                catch (PolicyRejectedException e)
                {
                    Assert.That(e.Message, Does.Not.Contain("\n"));
                }
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Test]
    public void FilesThatAreNotAssembliesAreRefused()
    {
        string path = WriteTemp(System.Text.Encoding.ASCII.GetBytes("MZ this is not a portable executable"));
        try
        {
            Assert.That(PolicyKit.Rejection(path, "SchedulerPolicies.TimeSlice"), Does.Contain("is not a"));
            Assert.That(PolicyKit.Rejection(path + ".missing", "SchedulerPolicies.TimeSlice"), Does.Contain("cannot read"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static string WriteTemp(byte[] bytes)
    {
        string path = Path.Combine(Path.GetTempPath(), $"nexos-policy-{Guid.NewGuid():N}.dll");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static int FindMemberRef(byte[] assembly, string type, string field)
    {
        using var pe = new PEReader(new MemoryStream(assembly));
        MetadataReader reader = pe.GetMetadataReader();
        foreach (MemberReferenceHandle handle in reader.MemberReferences)
        {
            MemberReference member = reader.GetMemberReference(handle);
            if (reader.GetString(member.Name) == field && member.Parent.Kind == HandleKind.TypeReference
                && reader.GetString(reader.GetTypeReference((TypeReferenceHandle)member.Parent).Name) == type)
            {
                return System.Reflection.Metadata.Ecma335.MetadataTokens.GetToken(handle);
            }
        }

        Assert.Fail($"no member reference {type}.{field}");
        return 0;
    }
}
