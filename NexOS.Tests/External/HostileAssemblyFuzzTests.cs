using System.Diagnostics;
using System.IO;
using System.Threading.Tasks;
using NexOS.PatchTool;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.Tests.External;

/// <summary>
/// The patch tool against the structured hostile corpus (<see cref="HostileCorpus"/>): in
/// process at all four levels, and as a child process (where a stack overflow would kill the
/// process, not just fail a test). The tool never crashes, refuses in one short line, and never
/// says "verified" where a patch manager set up like the kernel's refuses the same bytes.
/// </summary>
[TestFixture]
public sealed class HostileAssemblyFuzzTests
{
    /// <summary>The longest refusal accepted: names are cut, so no message needs more.</summary>
    private const int MaxMessage = 600;

    private static readonly SecurityLevel[] s_levels = { SecurityLevel.Permissive, SecurityLevel.Standard, SecurityLevel.Strict, SecurityLevel.Paranoid };

    private string _directory = string.Empty;
    private int _written;

    [OneTimeSetUp]
    public void CreateDirectory()
    {
        _directory = Path.Combine(Path.GetTempPath(), $"nexos-hostile-{Guid.NewGuid():N}");
        Directory.CreateDirectory(_directory);
    }

    [OneTimeTearDown]
    public void DeleteDirectory() => Directory.Delete(_directory, true);

    [Test]
    public void InProcessTheToolRefusesInOneLineAndNeverVerifiesWhatTheKernelRefuses()
    {
        int assemblies = 0, builds = 0, verified = 0;
        var families = new SortedDictionary<string, (int Cases, int Verified)>();
        ulong id = 1;
        foreach (HostileCase c in HostileCorpus.All(seed: 14))
        {
            assemblies++;
            string path = Write(c);
            bool verifiedBefore = true;
            foreach (SecurityLevel level in s_levels)
            {
                builds++;
                PatchBuildOptions options = PolicyKit.Options(path, HostileCase.Method, HookCatalog.TimeSliceName, level) with { PatchId = ++id };
                string? refusal = Refusal(options, out byte[]? bytes);
                if (refusal == null)
                {
                    verified++;
                    Assert.That(verifiedBefore, Is.True, $"{c}: verified at {level} but refused at a less strict level");
                    Assert.That(KernelAccepts(bytes!, level, out string kernel), Is.True, $"{c}: the tool verified at {level}, the kernel says '{kernel}'");
                }
                else
                {
                    verifiedBefore = false;
                    Assert.That(refusal, Does.Not.Contain("\n"), c.Name);
                    Assert.That(refusal.Length, Is.LessThanOrEqualTo(MaxMessage), $"{c}: {refusal[..Math.Min(200, refusal.Length)]}...");
                }

                if (level == SecurityLevel.Permissive)
                {
                    CheckExpectation(c, refusal);
                    string family = c.Name[..c.Name.IndexOf('/')];
                    families.TryGetValue(family, out var count);
                    families[family] = (count.Cases + 1, count.Verified + (refusal == null ? 1 : 0));
                }
            }
        }

        TestContext.Out.WriteLine($"measured {assemblies} structured hostile assemblies, {builds} builds at four levels, {verified} verified (each accepted by the kernel's path too)");
        foreach ((string family, (int cases, int ok)) in families)
        {
            TestContext.Out.WriteLine($"measured   {family}: {cases} assemblies, {ok} verified at Permissive");
        }

        Assert.That(assemblies, Is.GreaterThanOrEqualTo(390));
        Assert.That(families["grammar"].Verified, Is.GreaterThan(20), "the grammar's programs reach the verifier's later passes and the kernel");
    }

    [Test]
    public void AsAChildProcessTheToolExitsWithAVerdictOnEveryFamily()
    {
        // One case of each kind at the deepest nesting and every self-reference: the shapes that
        // once overflowed the tool's stack. A crash would show as an exit status other than 0 or 1.
        string tool = Path.Combine(AppContext.BaseDirectory, "nexos-patch.dll");
        Assert.That(File.Exists(tool), Is.True, tool);
        int runs = 0;
        foreach (HostileCase c in HostileCorpus.All(seed: 14))
        {
            bool pick = c.Name.StartsWith("self/", StringComparison.Ordinal) ? c.Name.EndsWith("in local", StringComparison.Ordinal) || c.Name.EndsWith("in helper", StringComparison.Ordinal)
                : c.Name.StartsWith("deep/", StringComparison.Ordinal) ? c.Name.EndsWith("x100000", StringComparison.Ordinal)
                : !c.Name.StartsWith("body/random", StringComparison.Ordinal) && !c.Name.StartsWith("grammar/", StringComparison.Ordinal);
            if (!pick)
            {
                continue;
            }

            string path = Write(c);
            (int status, string stdout, string stderr) = RunTool(tool, "build", path, HostileCase.Method, HookCatalog.TimeSliceName, "--author", "fuzz",
                "--level", "permissive", "-o", path + ".patch");
            runs++;
            Assert.That(status, Is.EqualTo(0).Or.EqualTo(1), $"{c}: exit {status}\n{stderr}");
            string output = status == 0 ? stdout : stderr;
            Assert.That(output.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1), $"{c}: {output}");
            Assert.That(output.Length, Is.LessThanOrEqualTo(MaxMessage + 64), c.Name);
            if (c.Expect != HostileExpect.Any)
            {
                Assert.That(status == 0, Is.EqualTo(c.Expect == HostileExpect.Verified), $"{c}: {output}");
            }
        }

        TestContext.Out.WriteLine($"measured {runs} child-process runs of nexos-patch on hostile assemblies");
        Assert.That(runs, Is.GreaterThanOrEqualTo(40));
    }

    private static void CheckExpectation(HostileCase c, string? refusal)
    {
        switch (c.Expect)
        {
            case HostileExpect.Verified:
                Assert.That(refusal, Is.Null, c.Name);
                break;
            case HostileExpect.Refused:
                Assert.That(refusal, Is.Not.Null, $"{c}: verified at Permissive");
                if (c.Reason != null)
                {
                    Assert.That(refusal, Does.Contain(c.Reason), c.Name);
                }

                break;
        }
    }

    private static string? Refusal(PatchBuildOptions options, out byte[]? bytes)
    {
        try
        {
            bytes = PatchBuilder.Build(options);
            return null;
        }
        catch (PolicyRejectedException e)
        {
            bytes = null;
            return e.Message;
        }
    }

    private static bool KernelAccepts(byte[] bytes, SecurityLevel level, out string verdict)
    {
        SubmitResult result = PolicyKit.KernelVerdict(bytes, level);
        verdict = result.Message;
        return result.Accepted;
    }

    private string Write(HostileCase c)
    {
        string path = Path.Combine(_directory, $"case-{++_written}.dll");
        File.WriteAllBytes(path, c.Assembly);
        return path;
    }

    private static (int Status, string Stdout, string Stderr) RunTool(string tool, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(tool);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(true);
            Assert.Fail($"nexos-patch {string.Join(' ', args)} did not finish in 60 s");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
