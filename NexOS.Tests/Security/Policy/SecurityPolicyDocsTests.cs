using System.IO;
using NexOS.Security.Policy;

namespace NexOS.Tests.Security.Policy;

/// <summary>The policy table in docs/security-policy.md must equal the code's table.</summary>
[TestFixture]
public sealed class SecurityPolicyDocsTests
{
    private static readonly SecurityLevel[] s_levels = { SecurityLevel.Permissive, SecurityLevel.Standard, SecurityLevel.Strict, SecurityLevel.Paranoid };

    private static string RepoRoot()
    {
        DirectoryInfo? directory = new(TestContext.CurrentContext.TestDirectory);
        while (directory != null && !File.Exists(Path.Combine(directory.FullName, "NexOS.sln")))
        {
            directory = directory.Parent;
        }

        Assert.That(directory, Is.Not.Null, "no NexOS.sln above the test directory");
        return directory!.FullName;
    }

    private static List<string[]> TableRows()
    {
        string[] lines = File.ReadAllLines(Path.Combine(RepoRoot(), "docs", "security-policy.md"));
        int start = Array.FindIndex(lines, l => l.StartsWith("<!-- policy-table", StringComparison.Ordinal));
        Assert.That(start, Is.GreaterThanOrEqualTo(0), "the policy-table marker is missing");
        var rows = new List<string[]>();
        for (int i = start + 1; i < lines.Length && lines[i].StartsWith('|'); i++)
        {
            string[] cells = lines[i].Trim().Trim('|').Split('|');
            rows.Add(Array.ConvertAll(cells, c => c.Trim()));
        }

        return rows;
    }

    [Test]
    public void DocsTableEqualsTheCodeTable()
    {
        List<string[]> rows = TableRows();
        Assert.That(rows[0], Is.EqualTo(new[] { "rule", "Permissive", "Standard", "Strict", "Paranoid" }));
        Assert.That(rows[1], Is.All.Matches<string>(c => c.Trim('-', ':').Length == 0));
        Assert.That(rows, Has.Count.EqualTo(SecurityPolicyText.RuleCount + 2), "one row per rule");
        for (int rule = 0; rule < SecurityPolicyText.RuleCount; rule++)
        {
            string[] row = rows[rule + 2];
            Assert.That(row[0], Is.EqualTo(SecurityPolicyText.RuleName(rule)));
            for (int level = 0; level < s_levels.Length; level++)
            {
                Assert.That(row[level + 1], Is.EqualTo(SecurityPolicyText.Cell(rule, SecurityPolicies.For(s_levels[level]))),
                    $"{row[0]} for {PolicyNames.Name(s_levels[level])}");
            }
        }
    }

    [Test]
    public void LevelsGetStricterMonotonically()
    {
        for (int i = 1; i < s_levels.Length; i++)
        {
            SecurityPolicy looser = SecurityPolicies.For(s_levels[i - 1]);
            SecurityPolicy tighter = SecurityPolicies.For(s_levels[i]);
            Assert.That(tighter.Level, Is.EqualTo(s_levels[i]));
            Assert.That(tighter.MaxParameterStepBp, Is.LessThan(looser.MaxParameterStepBp));
            Assert.That(tighter.CanaryShareBp, Is.LessThan(looser.CanaryShareBp));
            Assert.That(tighter.ConfidenceBp, Is.GreaterThan(looser.ConfidenceBp));
            Assert.That(tighter.CanaryMinSamples, Is.GreaterThan(looser.CanaryMinSamples));
            Assert.That(tighter.MaxCodeBytes, Is.LessThanOrEqualTo(looser.MaxCodeBytes));
            Assert.That(tighter.MaxFuel, Is.LessThan(looser.MaxFuel));
            Assert.That(tighter.MaxPatchesPerMinute, Is.LessThanOrEqualTo(looser.MaxPatchesPerMinute));
            Assert.That(tighter.PatchableHooks & ~looser.PatchableHooks, Is.EqualTo(SafetyClassSet.None));
            Assert.That((int)tighter.Submitters, Is.LessThanOrEqualTo((int)looser.Submitters));
        }

        Assert.That(SecurityPolicies.For((SecurityLevel)77), Is.SameAs(SecurityPolicies.Paranoid));
    }

    [TestCase(9000, "0.90")]
    [TestCase(9500, "0.95")]
    [TestCase(9990, "0.999")]
    [TestCase(9999, "0.9999")]
    [TestCase(5, "0.0005")]
    [TestCase(0, "0.00")]
    [TestCase(10000, "1.00")]
    [TestCase(-1, "invalid")]
    public void ConfidenceIsSpelledAsADecimal(int basisPoints, string expected)
    {
        Assert.That(SecurityPolicyText.Confidence(basisPoints), Is.EqualTo(expected));
    }
}
