using NexOS.Services.Shell;

namespace NexOS.Tests.Services;

[TestFixture]
public sealed class ShellTests
{
    private static readonly string[] s_builtins = { "echo", "help", "mem", "panic", "reboot", "shutdown", "uptime", "version" };

    private FakeShellHost _host = null!;
    private Shell _shell = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new FakeShellHost();
        _shell = new Shell(_host);
    }

    [Test]
    public void PromptIsNexos()
    {
        Assert.That(_shell.Prompt, Is.EqualTo("nexos> "));
    }

    [Test]
    public void HelpListsEveryCommandSortedWithItsSummary()
    {
        _shell.Execute("help");
        string[] lines = _host.Output.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(s_builtins.Length));
        for (int i = 0; i < lines.Length; i++)
        {
            string[] parts = lines[i].Trim().Split(' ', 2);
            Assert.That(parts[0], Is.EqualTo(s_builtins[i]));
            Assert.That(parts[1].Trim(), Is.Not.Empty, "every command has a summary");
        }
    }

    [Test]
    public void RegisteredCommandsRunAndAppearInHelp()
    {
        string[]? seen = null;
        Assert.That(_shell.Register("acpi", "show the ACPI tables", (host, args) => seen = args.ToArray()), Is.True);
        _shell.Execute("acpi  one \"two three\"");
        Assert.That(seen, Is.EqualTo(new[] { "one", "two three" }));
        _shell.Execute("help");
        Assert.That(_host.Output, Does.Contain("  acpi "));
        Assert.That(_shell.HasCommand("acpi"), Is.True);
        Assert.That(_shell.Commands()[0].Name, Is.EqualTo("acpi"));
    }

    [TestCase("")]
    [TestCase("two words")]
    [TestCase("tab\there")]
    [TestCase("quo\"te")]
    [TestCase("caf\u00e9")]
    [TestCase("new\nline")]
    [TestCase("a-name-that-is-far-too-long-to-be-a-command")]
    [TestCase("help")]
    public void BadOrTakenNamesAreRefused(string name)
    {
        Assert.That(_shell.Register(name, "x", (_, _) => { }), Is.False);
    }

    [Test]
    public void NullArgumentsAreRefused()
    {
        Assert.That(_shell.Register(null!, "x", (_, _) => { }), Is.False);
        Assert.That(_shell.Register("x", null!, (_, _) => { }), Is.False);
        Assert.That(_shell.Register("x", "x", null!), Is.False);
        Assert.That(_shell.HasCommand(null!), Is.False);
    }

    [Test]
    public void VersionPrintsNexosAndTheVersion()
    {
        _shell.Execute("version");
        Assert.That(_host.Output, Is.EqualTo("NexOS 0.1.0-test\n"));
    }

    [Test]
    public void UptimeIsFormattedInHoursMinutesAndSeconds()
    {
        _shell.Execute("uptime");
        Assert.That(_host.Output, Is.EqualTo("up 0 h 0 min 12.345 s\n"));
    }

    [TestCase(0L, "up 0 h 0 min 0.000 s")]
    [TestCase(-5000L, "up 0 h 0 min 0.000 s")]
    [TestCase(59_999L, "up 0 h 0 min 59.999 s")]
    [TestCase(3_723_004L, "up 1 h 2 min 3.004 s")]
    [TestCase(360_000_000L, "up 100 h 0 min 0.000 s")]
    public void FormatUptime(long milliseconds, string expected)
    {
        Assert.That(BuiltinCommands.FormatUptime(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(expected));
    }

    [TestCase(0UL, "0.00")]
    [TestCase(1UL, "0.00")]
    [TestCase(1048576UL * 3 / 2, "1.50")]
    [TestCase(1048575UL, "1.00")]
    [TestCase(134217728UL, "128.00")]
    [TestCase(2147483648UL - 4096, "2048.00")]
    [TestCase(ulong.MaxValue, "17592186044416.00")]
    public void FormatMebibytes(ulong bytes, string expected)
    {
        Assert.That(BuiltinCommands.FormatMebibytes(bytes), Is.EqualTo(expected));
    }

    [Test]
    public void MemPrintsTotalUsedAndFree()
    {
        _host.Memory = new MemoryStats(134217728, 3407872, 130809856);
        _shell.Execute("mem");
        string[] lines = _host.Output.TrimEnd('\n').Split('\n');
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.Match(@"^total\s+128\.00 MiB \(134217728 bytes\)$"));
        Assert.That(lines[1], Does.Match(@"^used\s+3\.25 MiB \(3407872 bytes\)$"));
        Assert.That(lines[2], Does.Match(@"^free\s+124\.75 MiB \(130809856 bytes\)$"));
    }

    [TestCase("echo hello   world", "hello world\n")]
    [TestCase("echo", "\n")]
    [TestCase("   echo   a  ", "a\n")]
    [TestCase("echo \"a  b\" c", "a  b c\n")]
    [TestCase("echo \"\"", "\n")]
    [TestCase("echo x\"y z\"w", "xy zw\n")]
    [TestCase("echo héllo", "héllo\n")]
    public void EchoJoinsItsArgumentsWithSingleSpaces(string line, string expected)
    {
        _shell.Execute(line);
        Assert.That(_host.Output, Is.EqualTo(expected));
    }

    [TestCase("xyz", "unknown command 'xyz'; type 'help'\n")]
    [TestCase("HELP", "unknown command 'HELP'; type 'help'\n")]
    [TestCase("\"\" a", "unknown command ''; type 'help'\n")]
    [TestCase("echo \"open", "error: unterminated double quote\n")]
    [TestCase("", "")]
    [TestCase("   \t  ", "")]
    public void UnknownCommandsBlankLinesAndBadQuotesGiveAtMostOneLine(string line, string expected)
    {
        _shell.Execute(line);
        Assert.That(_host.Output, Is.EqualTo(expected));
    }

    [Test]
    public void NullLineDoesNothing()
    {
        _shell.Execute(null!);
        Assert.That(_host.Output, Is.Empty);
    }

    [Test]
    public void ShutdownAndRebootCallTheHostAndReportWhenItReturns()
    {
        _shell.Execute("shutdown");
        Assert.That(_host.Shutdowns, Is.EqualTo(1));
        Assert.That(_host.Output, Is.EqualTo("powering off\nerror: the machine did not power off\n"));
        _host.Clear();
        _shell.Execute("reboot");
        Assert.That(_host.Reboots, Is.EqualTo(1));
        Assert.That(_host.Output, Is.EqualTo("rebooting\nerror: the machine did not reset\n"));
    }

    [Test]
    public void PanicLetsTheHostsExceptionThrough()
    {
        Assert.That(() => _shell.Execute("panic"), Throws.InvalidOperationException.With.Message.EqualTo("panic requested from the shell"));
        Assert.That(_host.Panics, Is.EqualTo(1));
    }
}

[TestFixture]
public sealed class CommandLineTokenizerTests
{
    [TestCase("a b  c", new[] { "a", "b", "c" })]
    [TestCase("  a\t\tb  ", new[] { "a", "b" })]
    [TestCase("\"a b\"", new[] { "a b" })]
    [TestCase("\"\"", new[] { "" })]
    [TestCase("\"\" \"\"", new[] { "", "" })]
    [TestCase("a\"\"b", new[] { "ab" })]
    [TestCase("pre\"fix suf\"fix x", new[] { "prefix suffix", "x" })]
    [TestCase("", new string[0])]
    public void SplitsWords(string line, string[] expected)
    {
        var words = new List<string>();
        Assert.That(CommandLineTokenizer.Tokenize(line, words), Is.Null);
        Assert.That(words, Is.EqualTo(expected));
    }

    private static readonly string[][] s_wordLists =
    {
        new[] { "audit", "export" },
        new[] { "cat", "/A long name.txt", "", "tab\there" },
        Array.Empty<string>(),
    };

    [TestCaseSource(nameof(s_wordLists))]
    public void JoinedWordsSplitBackIntoTheSameWords(string[] words)
    {
        string? line = CommandLineTokenizer.Join(words);
        var back = new List<string>();
        Assert.That(line, Is.Not.Null);
        Assert.That(CommandLineTokenizer.Tokenize(line!, back), Is.Null);
        Assert.That(back, Is.EqualTo(words));
    }

    [Test]
    public void AWordWithADoubleQuoteCannotBeJoined() =>
        Assert.That(CommandLineTokenizer.Join(new[] { "a", "b\"c" }), Is.Null);

    [Test]
    public void UnterminatedQuoteIsAnErrorAndAddsNothing()
    {
        var words = new List<string> { "kept" };
        Assert.That(CommandLineTokenizer.Tokenize("a \"b c", words), Is.EqualTo(CommandLineTokenizer.UnterminatedQuote));
        Assert.That(words, Is.EqualTo(new[] { "kept" }));
    }
}
