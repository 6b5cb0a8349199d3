using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>What every boot test fixture shares: one QEMU machine per test, booting it to the
/// prompt, and typing commands at the shell.</summary>
public abstract class BootFixture
{
    protected const string Prompt = "nexos> ";
    protected const int TestBudget = 120_000;

    protected static readonly TimeSpan s_boot = TimeSpan.FromSeconds(30);
    protected static readonly TimeSpan s_uefiBoot = TimeSpan.FromSeconds(90);
    protected static readonly TimeSpan s_command = TimeSpan.FromSeconds(5);
    protected static readonly Regex s_readyLine = new(@"(?m)^\r*NexOS \S+ ready in \d+ ms\r*$");
    private static readonly Regex s_noDiskLine = new("keeper: no disk is mounted; .* will not outlive this boot");

    private protected QemuMachine? _machine;

    [TearDown]
    public void TearDown()
    {
        _machine?.Dispose();
        _machine = null;
    }

    /// <summary>Starts a machine and waits for the ready line and then the prompt.</summary>
    private protected QemuMachine Boot(QemuOptions? options = null, TimeSpan? timeout = null)
    {
        _machine?.Dispose();
        _machine = QemuMachine.Start(options);
        _machine.WaitFor(s_readyLine, timeout ?? s_boot);
        QemuOptions o = options ?? new QemuOptions();
        bool services = o.CommandLine == null || !o.CommandLine.Contains("nexos.kernelshell", StringComparison.Ordinal);
        if (services && o.VirtioDisk == null && o.AhciDisk == null && !o.OtherDisks)
        {
            // The services report at boot, before or after the first prompt; a command typed
            // before they have would see their lines in its output. Without a disk the
            // keeper's line comes last (it asks the file service, which reported first), and
            // a prompt follows it: the shell's first, or the one the console writes again
            // below lines that came while the shell waited.
            _machine.WaitFor(s_noDiskLine, s_boot);
        }

        _machine.WaitFor(Prompt, s_command);
        return _machine;
    }

    /// <summary>Waits until the whole serial log so far matches <paramref name="line"/>: for
    /// what services report at boot, before or after the first prompt, which a cursor-based
    /// wait may already have passed.</summary>
    private protected static void AwaitLogged(QemuMachine machine, Regex line, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (!line.IsMatch(machine.Log))
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"/{line}/ did not appear within {timeout.TotalSeconds} s; the log:\n{machine.Log}");
            }

            System.Threading.Thread.Sleep(100);
        }
    }

    /// <summary>Waits until the network is up and every service that reports when it is has
    /// (the lease, httpd, patchnet): their lines come after the prompt, and a command typed
    /// before them would see them in its output.</summary>
    private protected static void AwaitNetwork(QemuMachine machine, TimeSpan timeout)
    {
        AwaitLogged(machine, new Regex(@"net: address 10\.0\.2\.15/24"), timeout);
        AwaitLogged(machine, new Regex(@"httpd: serving the dashboard on port 80"), timeout);
        AwaitLogged(machine, new Regex(@"patchnet: taking patches on TCP port 7070"), timeout);
    }

    /// <summary>Waits until `ps` lists the patchline service as a ring-3 process with its UART
    /// up (it starts with the other services after the prompt; bytes sent before it programs
    /// COM2 are lost, as on any serial line).</summary>
    private protected static void WaitForPatchLine(QemuMachine machine)
    {
        var row = new System.Text.RegularExpressions.Regex(@"(?m)^\s+\d+ patchline\s+\S+\s+\d+\s+3\s");
        string ps = string.Join("\n", RunCommand(machine, "ps"));
        for (int i = 0; i < 40 && !row.IsMatch(ps); i++)
        {
            System.Threading.Thread.Sleep(250);
            ps = string.Join("\n", RunCommand(machine, "ps"));
        }

        Assert.That(ps, Does.Match(row.ToString()), "the patch line is a ring-3 service");
    }

    /// <summary>Types a line, waits for the next prompt (at most <paramref name="timeout"/>, a
    /// plain command's budget by default), and returns the output lines between the echoed line
    /// and that prompt.</summary>
    private protected static List<string> RunCommand(QemuMachine machine, string line, TimeSpan? timeout = null, bool echoed = true)
    {
        machine.Send(line + "\r");
        string seen = machine.WaitFor(Prompt, timeout ?? s_command);

        // Kernel lines that came while the shell waited at its prompt are printed below it,
        // with the prompt written again: they start with a line break and hold no echo of
        // this command. Its own output follows its echo, before the next prompt.
        string echo = line + "\r\n";
        while (echoed && line.Length > 0 && seen.StartsWith("\r\n", StringComparison.Ordinal) && !seen.Contains(echo, StringComparison.Ordinal))
        {
            seen = machine.WaitFor(Prompt, timeout ?? s_command);
        }

        return OutputLines(seen);
    }

    /// <summary>Types a line whose command asks for a secret, and waits for its question,
    /// <paramref name="question"/>, the prompt the secret is typed at.</summary>
    private protected static void AskForSecret(QemuMachine machine, string line, string question)
    {
        machine.Send(line + "\r");
        machine.WaitFor(question, s_command);
    }

    /// <summary>Types <paramref name="secret"/> at the question <see cref="AskForSecret"/> waited
    /// for, waits for the shell's prompt, and returns the output lines in between.</summary>
    private protected static List<string> AnswerSecret(QemuMachine machine, string secret)
    {
        // Unechoed, the secret's line shows as an empty first line, which RunCommand drops.
        return RunCommand(machine, secret, echoed: false);
    }

    /// <summary>Boots, types <paramref name="line"/>, and checks that the shell answers with
    /// exactly one line containing <paramref name="error"/>.</summary>
    private protected void AssertOneClearError(string line, string error)
    {
        List<string> output = RunCommand(Boot(), line);
        Assert.That(output, Has.Count.EqualTo(1), string.Join("\n", output));
        Assert.That(output[0], Does.Contain(error));
    }

    private static readonly Regex s_usertestEnded = new(@"^process (\d+) \(usertest\) (exited with code|was ended \(code) (\d+)\)?; (\d+) pages at the end; frames: (\d+) at most, (\d+) not given back$");

    /// <summary>Checks `run usertest ...`'s last line: the program ended with
    /// <paramref name="code"/> (by exiting, or ended by the kernel) after holding frames, and
    /// gave every one back.</summary>
    private protected static Match AssertUsertestEnded(string line, int code, bool exitedNormally)
    {
        Match m = s_usertestEnded.Match(line);
        Assert.That(m.Success, Is.True, line);
        Assert.That(m.Groups[2].Value, Is.EqualTo(exitedNormally ? "exited with code" : "was ended (code"));
        Assert.That(m.Groups[3].Value, Is.EqualTo(code.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(long.Parse(m.Groups[5].Value, System.Globalization.CultureInfo.InvariantCulture), Is.Positive, "the program held frames");
        Assert.That(m.Groups[6].Value, Is.EqualTo("0"), "every frame the program held came back");
        return m;
    }

    /// <summary>ps's count of frames ended programs did not give back: each process's own
    /// figure, so other programs allocating meanwhile (the services' heaps) do not move it.</summary>
    private protected static long NotGivenBack(List<string> ps)
    {
        foreach (string line in ps)
        {
            Match m = Regex.Match(line, @"^frames not given back by ended programs: (\d+)$");
            if (m.Success)
            {
                return long.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        Assert.Fail("no frames line in ps:\n" + string.Join("\n", ps));
        return -1;
    }

    private protected static List<string> OutputLines(string seen)
    {
        // seen = echo of the typed line, "\r\n", the output lines, then the prompt.
        string body = seen.EndsWith(Prompt, StringComparison.Ordinal) ? seen[..^Prompt.Length] : seen;
        var lines = new List<string>(body.Replace("\r\n", "\n").Split('\n'));
        lines.RemoveAt(0);
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return lines;
    }
}
