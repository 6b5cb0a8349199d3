using System.IO;
using NexOS.PatchTool;

namespace NexOS.Tests.External;

/// <summary>The nexos-patch command line: exit statuses and one-line messages.</summary>
[TestFixture]
public class PatchToolCliTests
{
    [Test]
    public void BuildWritesAVerifiedPatchAndSaysSo()
    {
        string output = Path.Combine(Path.GetTempPath(), $"nexos-cli-{Guid.NewGuid():N}.patch");
        try
        {
            (int status, string stdout, string stderr) = Run("build", PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice", "sched.time_slice",
                "--author", "Ada", "--reason", "shorter slices for interactive threads", "--gain-bp", "300", "-o", output,
                "--key", PolicyKit.KeyFile, "--key-id", "9");
            Assert.That(status, Is.Zero, stderr);
            Assert.That(stdout, Does.StartWith($"wrote {output}: ").And.EndWith("verified: a kernel at Standard accepts it\n"));
            Assert.That(File.ReadAllBytes(output), Has.Length.GreaterThan(100));
        }
        finally
        {
            File.Delete(output);
        }
    }

    [Test]
    public void ARejectedPolicyExitsWithOneAndOneLine()
    {
        (int status, string stdout, string stderr) = Run("build", PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSliceWithLoop", "sched.time_slice", "--author", "Ada", "--level", "strict",
            "--key", PolicyKit.KeyFile, "--key-id", "9");
        Assert.That(status, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.StartWith("nexos-patch: rejected: a kernel at Strict refuses it: verifier: IL_").And.Contain("[BackwardBranch]"));
    }

    [Test]
    public void AnUnsignedPatchForStandardIsRefusedAsTheKernelWould()
    {
        string output = Path.Combine(Path.GetTempPath(), $"nexos-cli-{Guid.NewGuid():N}.patch");
        (int status, string stdout, string stderr) = Run("build", PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice", "sched.time_slice", "--author", "Ada", "-o", output);
        Assert.That(status, Is.EqualTo(1));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr, Is.EqualTo("nexos-patch: rejected: a kernel at Standard refuses it: policy: Standard: external patches must be signed; 'Ada' sent an unsigned one\n"));
        Assert.That(File.Exists(output), Is.False, "nothing is written for a refused patch");
    }

    [TestCase(new string[0], "expected 'build' or 'send'")]
    [TestCase(new[] { "build", "a.dll", "T.M" }, "build needs <policy.dll> <Type.Method> <hook>")]
    [TestCase(new[] { "build", "a.dll", "T.M", "h" }, "--author NAME is required")]
    [TestCase(new[] { "build", "a.dll", "T.M", "h", "--author", "A", "--key", "k" }, "--key and --key-id go together")]
    [TestCase(new[] { "build", "a.dll", "T.M", "h", "--author", "A", "--id", "x" }, "--id must be a whole number")]
    [TestCase(new[] { "build", "a.dll", "T.M", "h", "--author", "A", "--level", "lax" }, "--level: 'lax' is not one of permissive, standard, strict, paranoid")]
    [TestCase(new[] { "send", "p.patch" }, "send needs --socket PATH (the serial line) or --tcp HOST:PORT (the network), one of them")]
    [TestCase(new[] { "send", "p.patch", "--socket", "s", "--tcp", "h:1" }, "one of them")]
    [TestCase(new[] { "send", "p.patch", "--tcp", "nohost" }, "--tcp takes HOST:PORT, not 'nohost'")]
    [TestCase(new[] { "send", "p.patch", "--tcp", "h:99999" }, "--tcp takes HOST:PORT, not 'h:99999'")]
    [TestCase(new[] { "frobnicate" }, "expected 'build' or 'send'")]
    public void UsageErrorsExitWithTwo(string[] args, string expected)
    {
        (int status, _, string stderr) = Run(args);
        Assert.That(status, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain(expected).And.Contain("usage: nexos-patch build"));
    }

    [Test]
    public void SendingToNoMachineExitsWithThree()
    {
        string patch = Path.Combine(Path.GetTempPath(), $"nexos-cli-{Guid.NewGuid():N}.patch");
        File.WriteAllBytes(patch, PolicyKit.Build(PolicyKit.ExampleAssembly, "SchedulerPolicies.TimeSlice"));
        try
        {
            (int status, _, string stderr) = Run("send", patch, "--socket", patch + ".nosuch.sock");
            Assert.That(status, Is.EqualTo(3));
            Assert.That(stderr, Does.Contain("cannot connect to"));
        }
        finally
        {
            File.Delete(patch);
        }
    }

    private static (int Status, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter { NewLine = "\n" };
        var stderr = new StringWriter { NewLine = "\n" };
        int status = Cli.Run(args, stdout, stderr);
        return (status, stdout.ToString(), stderr.ToString());
    }
}
