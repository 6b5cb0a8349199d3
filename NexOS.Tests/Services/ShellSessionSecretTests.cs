using System.Text;
using NexOS.Services.Shell;

namespace NexOS.Tests.Services;

/// <summary>
/// A command asks for a secret (<see cref="Shell.AskSecret"/>): the session shows the
/// command's prompt, reads the next line masked and hands it to the command's handler, and
/// the line after it is an ordinary command line again. The secret never reaches the echo,
/// the shell or any output.
/// </summary>
[TestFixture]
public sealed class ShellSessionSecretTests
{
    private const string Prompt = "nexos> ";
    private const string Ask = "key 9 (hex, not echoed): ";
    private const string Cancelled = "setkey: cancelled; nothing set";

    private FakeShellHost _host = null!;
    private Shell _shell = null!;
    private ShellSession _session = null!;
    private List<string> _secrets = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new FakeShellHost();
        _shell = new Shell(_host);
        _session = new ShellSession(_shell);
        _secrets = new List<string>();
        _shell.Register("setkey", "ask for a key", (_, args) => _shell.AskSecret($"key {(args.Length > 0 ? args[0] : "?")} (hex, not echoed): ", Cancelled, Take));
        _shell.Register("twice", "ask for a key and for it again", (_, _) => _shell.AskSecret("new: ", Cancelled, (host, first) =>
        {
            Take(host, first);
            _shell.AskSecret("again: ", Cancelled, Take);
        }));
    }

    [Test]
    public void TheCommandAsksTheNextLineIsTheSecretAndTheOneAfterIsACommand()
    {
        Feed("setkey 9\r");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask));
        Assert.That(_session.IsReadingSecret, Is.True);
        Feed("00112233\r");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "\ngot 8 bytes\n" + Prompt));
        Assert.That(_secrets, Is.EqualTo(new[] { "00112233" }));
        Assert.That(_session.IsReadingSecret, Is.False);
        Feed("echo hi\r");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "\ngot 8 bytes\n" + Prompt + "echo hi\nhi\n" + Prompt));
    }

    [Test]
    public void CrLfLineEndsWorkAcrossThePrompt()
    {
        Feed("setkey 9\r\n00112233\r\necho hi\r\n");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "\ngot 8 bytes\n" + Prompt + "echo hi\nhi\n" + Prompt));
        Assert.That(_secrets, Is.EqualTo(new[] { "00112233" }));
    }

    [Test]
    public void TheSecretLineIsNeverRunAsACommand()
    {
        Feed("setkey 9\recho leaked\r");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "\ngot 11 bytes\n" + Prompt));
        Assert.That(_secrets, Is.EqualTo(new[] { "echo leaked" }));
    }

    [Test]
    public void EditingKeysWorkAtThePromptAndEchoNothing()
    {
        Feed("setkey 9\r" + "wrong\u0015" + "ab\u001b[Dx\u007f\u0008c\u001b[Ad\r");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "\ngot 3 bytes\n" + Prompt));
        Assert.That(_secrets, Is.EqualTo(new[] { "acd" }));
    }

    [Test]
    public void CtrlCCancelsThePromptWithTheCommandsMessage()
    {
        Feed("setkey 9\r0011\u0003");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "^C\n" + Cancelled + "\n" + Prompt));
        Assert.That(_secrets, Is.Empty);
        Assert.That(_session.IsReadingSecret, Is.False);
        Feed("echo ok\r");
        Assert.That(_host.Output, Does.EndWith(Prompt + "echo ok\nok\n" + Prompt));
    }

    [Test]
    public void AnUnusableLineAtThePromptGivesTheErrorAndCancels()
    {
        Feed("setkey 9\r00\u000111\r");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "\nerror: " + LineEditorResult.GarbageReason + "\n" + Cancelled + "\n" + Prompt));
        Assert.That(_secrets, Is.Empty);
    }

    [Test]
    public void AnOverlongLineAtThePromptGivesTheErrorAndCancels()
    {
        Feed("setkey 9\r" + new string('7', 5000) + "\r");
        Assert.That(_host.Output, Is.EqualTo("setkey 9\n" + Ask + "\nerror: " + LineEditorResult.TooLongReason + "\n" + Cancelled + "\n" + Prompt));
        Assert.That(_host.Output, Does.Not.Contain("7"));
        Assert.That(_secrets, Is.Empty);
    }

    [Test]
    public void AHandlerMayAskAgain()
    {
        Feed("twice\rfirst\rsecond\r");
        Assert.That(_host.Output, Is.EqualTo("twice\nnew: \ngot 5 bytes\nagain: \ngot 6 bytes\n" + Prompt));
        Assert.That(_secrets, Is.EqualTo(new[] { "first", "second" }));
    }

    [Test]
    public void TheSecretIsWipedOnceTheHandlerReturns()
    {
        Feed("setkey 9\rsecret\r");
        Assert.That(_session.Editor.Secret.IsEmpty, Is.True);
    }

    [Test]
    public void ARequestMadeOutsideTheSessionDoesNotMaskItsNextLine()
    {
        _shell.Execute("setkey 1");
        Feed("echo visible\r");
        Assert.That(_host.Output, Is.EqualTo("echo visible\nvisible\n" + Prompt));
        _shell.Execute("setkey 1");
        Feed("x\u0003");
        Assert.That(_host.Output, Does.EndWith("x^C\n" + Prompt));
        Assert.That(_session.IsReadingSecret, Is.False);
    }

    [Test]
    public void RandomInputNeverShowsASecretCharacter()
    {
        // 'Z' is typed only at the prompt, so it must never appear in the output; everything
        // else is typed only at the shell's prompt, commands asking for secrets among it.
        _host.PanicThrows = false;
        string[] commandPieces = { "setkey 9\r", "twice\r", "echo", " x", "help", "\r", "\n", "\u007f", "\u0003", "\u0015", "\u001b[A", "\u0001" };
        string[] secretPieces = { "Z", "ZZZ", "Zé", "\r", "\n", "\u007f", "\u0008", "\u0003", "\u0015", "\u001b[A", "\u001bO", "\u0001", "\u00ff" };
        var random = new Random(2024);
        int asked = 0;
        for (int i = 0; i < 50_000; i++)
        {
            bool secret = _session.IsReadingSecret;
            asked += secret ? 1 : 0;
            string[] pieces = secret ? secretPieces : commandPieces;
            Feed(pieces[random.Next(pieces.Length)]);
        }

        Assert.That(asked, Is.GreaterThan(1000));
        Assert.That(_secrets, Has.Some.Contains("Z"));
        Assert.That(_host.Output, Does.Not.Contain("Z"));
    }

    private void Take(IShellHost host, ReadOnlySpan<byte> secret)
    {
        _secrets.Add(Encoding.UTF8.GetString(secret));
        host.Write("got " + secret.Length + " bytes\n");
    }

    private void Feed(string text) => _session.Feed(Encoding.UTF8.GetBytes(text));
}
