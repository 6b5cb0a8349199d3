using System.Text;
using NexOS.Services.Shell;

namespace NexOS.Tests.Services;

[TestFixture]
public sealed class ShellSessionTests
{
    private const string Prompt = "nexos> ";

    private FakeShellHost _host = null!;
    private ShellSession _session = null!;

    [SetUp]
    public void SetUp()
    {
        _host = new FakeShellHost();
        _session = new ShellSession(new Shell(_host));
    }

    [Test]
    public void StartShowsThePrompt()
    {
        _session.Start();
        Assert.That(_host.Output, Is.EqualTo(Prompt));
    }

    [Test]
    public void LineIsEchoedRunAndFollowedByThePrompt()
    {
        Feed("version\r");
        Assert.That(_host.Output, Is.EqualTo("version\nNexOS 0.1.0-test\n" + Prompt));
    }

    [Test]
    public void CrLfGivesOnePrompt()
    {
        Feed("echo hi\r\n");
        Assert.That(_host.Output, Is.EqualTo("echo hi\nhi\n" + Prompt));
    }

    [Test]
    public void EmptyLineJustShowsThePromptAgain()
    {
        Feed("\r");
        Assert.That(_host.Output, Is.EqualTo("\n" + Prompt));
    }

    [Test]
    public void RejectedLineGivesOneErrorLineAndThePrompt()
    {
        Feed(new byte[] { 0x01, 0x02, 0xFF, 0xFE, 0x0D });
        Assert.That(_host.Output, Is.EqualTo("\nerror: line contains control or non-text bytes\n" + Prompt));
    }

    [Test]
    public void TooLongLineGivesTheTooLongError()
    {
        Feed(new string('x', 5000) + "\r");
        Assert.That(_host.Output, Does.EndWith("\nerror: line too long (max 4096 bytes)\n" + Prompt));
    }

    [Test]
    public void CancelShowsCaretCAndThePrompt()
    {
        Feed("echo abc\u0003echo ok\r");
        Assert.That(_host.Output, Is.EqualTo("echo abc^C\n" + Prompt + "echo ok\nok\n" + Prompt));
    }

    [Test]
    public void BackspaceEditingRunsTheEditedLine()
    {
        Feed("ecx\u007fho hi\r");
        Assert.That(_host.Output, Is.EqualTo("ecx\b \bho hi\nhi\n" + Prompt));
    }

    [Test]
    public void UnknownCommandGivesExactlyOneLineThenThePrompt()
    {
        Feed("xyz\r");
        Assert.That(_host.Output, Is.EqualTo("xyz\nunknown command 'xyz'; type 'help'\n" + Prompt));
    }

    [Test]
    public void ArrowKeysAreIgnored()
    {
        Feed("\u001b[Aecho\u001b[D\u001b[C up\r");
        Assert.That(_host.Output, Is.EqualTo("echo up\nup\n" + Prompt));
    }

    [Test]
    public void RandomBytesNeverThrowAndThePromptAlwaysComesBack()
    {
        _host.PanicThrows = false;
        var random = new Random(12345);
        for (int i = 0; i < 200_000; i++)
        {
            byte b = (byte)random.Next(256);
            _session.Feed(b);
            if (b == (byte)'\r' || b == 0x03)
            {
                Assert.That(_host.Output, Does.EndWith(Prompt));
                _host.Clear();
            }
        }

        _session.Feed((byte)'\r');
        Assert.That(_host.Output, Does.EndWith(Prompt));
    }

    [Test]
    public void RandomCommandLikeInputNeverThrowsAndThePromptAlwaysComesBack()
    {
        // Pieces of real commands and editing keys, so that commands really run, with odd arguments.
        _host.PanicThrows = false;
        string[] pieces =
        {
            "echo", "help", "mem", "uptime", "version", "shutdown", "reboot", "panic", "x", "é",
            " ", " ", "\"", "\r", "\n", "\u007f", "\u0008", "\u0003", "\u0015", "\u001b[A", "\u001bO", "\u0001",
        };
        var random = new Random(777);
        int prompts = 0;
        for (int i = 0; i < 50_000; i++)
        {
            foreach (byte b in Encoding.UTF8.GetBytes(pieces[random.Next(pieces.Length)]))
            {
                _session.Feed(b);
                if (b == (byte)'\r' || b == 0x03)
                {
                    prompts++;
                    Assert.That(_host.Output, Does.EndWith(Prompt));
                    _host.Clear();
                }
            }
        }

        Assert.That(prompts, Is.GreaterThan(1000));
        Assert.That(_host.Shutdowns, Is.Positive);
        Assert.That(_host.Reboots, Is.Positive);
        Assert.That(_host.Panics, Is.Positive);
    }

    private void Feed(string text) => _session.Feed(Encoding.UTF8.GetBytes(text));

    private void Feed(byte[] bytes) => _session.Feed(bytes);
}
