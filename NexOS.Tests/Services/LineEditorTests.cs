using System.Text;
using NexOS.Services.Shell;

namespace NexOS.Tests.Services;

[TestFixture]
public sealed class LineEditorTests
{
    private StringBuilder _echo = null!;
    private LineEditor _editor = null!;

    [SetUp]
    public void SetUp()
    {
        _echo = new StringBuilder();
        _editor = new LineEditor(text => _echo.Append(text));
    }

    [Test]
    public void CarriageReturnEndsTheLine()
    {
        List<LineEditorResult> results = Feed("abc\r");
        Assert.That(results, Has.Count.EqualTo(1));
        Assert.That(results[0].Kind, Is.EqualTo(LineEditorResultKind.Line));
        Assert.That(results[0].Text, Is.EqualTo("abc"));
        Assert.That(_echo.ToString(), Is.EqualTo("abc\n"));
    }

    [Test]
    public void LineFeedEndsTheLine()
    {
        Assert.That(Texts(Feed("abc\ndef\n")), Is.EqualTo(new[] { "Line: abc", "Line: def" }));
    }

    [Test]
    public void CrLfPairGivesOneLine()
    {
        Assert.That(Texts(Feed("a\r\nb\r\n")), Is.EqualTo(new[] { "Line: a", "Line: b" }));
        Assert.That(_echo.ToString(), Is.EqualTo("a\nb\n"));
    }

    [Test]
    public void TwoCarriageReturnsGiveTwoLinesAndLfAfterTextIsNotSwallowed()
    {
        Assert.That(Texts(Feed("\r\r")), Is.EqualTo(new[] { "Line: ", "Line: " }));
        Assert.That(Texts(Feed("\rx\n")), Is.EqualTo(new[] { "Line: ", "Line: x" }));
    }

    [TestCase((byte)0x08)]
    [TestCase((byte)0x7F)]
    public void BackspaceErasesOneCharacter(byte backspace)
    {
        Feed("ab");
        _editor.Feed(backspace);
        Assert.That(Texts(Feed("c\r")), Is.EqualTo(new[] { "Line: ac" }));
        Assert.That(_echo.ToString(), Is.EqualTo("ab\b \bc\n"));
    }

    [Test]
    public void BackspaceOnAnEmptyLineDoesNothing()
    {
        _editor.Feed(0x7F);
        _editor.Feed(0x08);
        Assert.That(_echo.ToString(), Is.Empty);
        Assert.That(Texts(Feed("x\r")), Is.EqualTo(new[] { "Line: x" }));
    }

    [Test]
    public void BackspaceErasesAWholeMultiByteCharacter()
    {
        Feed("aé😀");
        Assert.That(_editor.Length, Is.EqualTo(1 + 2 + 4));
        _editor.Feed(0x7F);
        _editor.Feed(0x7F);
        Assert.That(_editor.Length, Is.EqualTo(1));
        Assert.That(_echo.ToString(), Is.EqualTo("aé😀\b \b\b \b"));
    }

    [Test]
    public void CtrlCCancelsTheLine()
    {
        List<LineEditorResult> results = Feed("echo abc\u0003");
        Assert.That(results[0].Kind, Is.EqualTo(LineEditorResultKind.Cancelled));
        Assert.That(results[0].Text, Is.Empty);
        Assert.That(_echo.ToString(), Does.EndWith("^C\n"));
        Assert.That(Texts(Feed("ok\r")), Is.EqualTo(new[] { "Line: ok" }));
    }

    [Test]
    public void CtrlCAlsoClearsAGarbageMark()
    {
        Feed("\u0001\u0003");
        Assert.That(Texts(Feed("ok\r")), Is.EqualTo(new[] { "Line: ok" }));
    }

    [Test]
    public void CtrlUErasesTheWholeLineAndItsMarks()
    {
        Feed("a\u0001bé\u0015");
        Assert.That(_echo.ToString(), Is.EqualTo("abé\b \b\b \b\b \b"));
        Assert.That(Texts(Feed("d\r")), Is.EqualTo(new[] { "Line: d" }));
    }

    [TestCase("\u001b[A")]
    [TestCase("\u001b[B")]
    [TestCase("\u001b[1;5C")]
    [TestCase("\u001b[3~")]
    [TestCase("\u001bOP")]
    [TestCase("\u001bx")]
    public void EscapeSequencesAreSwallowed(string sequence)
    {
        Assert.That(Texts(Feed("ab" + sequence + "c\r")), Is.EqualTo(new[] { "Line: abc" }));
        Assert.That(_echo.ToString(), Is.EqualTo("abc\n"));
    }

    [Test]
    public void EscapeFollowedByEnterStillEndsTheLine()
    {
        Assert.That(Texts(Feed("ab\u001b\r")), Is.EqualTo(new[] { "Line: ab" }));
        Assert.That(Texts(Feed("ab\u001b[1\r")), Is.EqualTo(new[] { "Line: ab" }));
    }

    [Test]
    public void OverlongCsiSequenceStopsBeingSwallowed()
    {
        string digits = new('1', 40);
        List<LineEditorResult> results = Feed("\u001b[" + digits + "\r");
        Assert.That(results[0].Kind, Is.EqualTo(LineEditorResultKind.Line));
        Assert.That(results[0].Text, Is.EqualTo(new string('1', 40 - 32)));
    }

    [TestCase(new byte[] { 0x01 })]
    [TestCase(new byte[] { 0x00 })]
    [TestCase(new byte[] { 0x09 })]
    [TestCase(new byte[] { 0x1F })]
    [TestCase(new byte[] { 0xFF })]
    [TestCase(new byte[] { 0xFE })]
    [TestCase(new byte[] { 0x80 })]
    [TestCase(new byte[] { 0xC0, 0x80 })]
    [TestCase(new byte[] { 0xE0, 0x80, 0x80 })]
    [TestCase(new byte[] { 0xED, 0xA0, 0x80 })]
    [TestCase(new byte[] { 0xF4, 0x90, 0x80, 0x80 })]
    [TestCase(new byte[] { 0xE2, 0x82, 0x41 })]
    [TestCase(new byte[] { 0xE2, 0x82 })]
    public void ControlBytesAndInvalidUtf8RejectTheLine(byte[] bad)
    {
        var bytes = new List<byte>("ab"u8.ToArray());
        bytes.AddRange(bad);
        bytes.Add((byte)'\r');
        List<LineEditorResult> results = Feed(bytes.ToArray());
        Assert.That(results, Has.Count.EqualTo(1));
        Assert.That(results[0].Kind, Is.EqualTo(LineEditorResultKind.Rejected));
        Assert.That(results[0].Text, Is.EqualTo("line contains control or non-text bytes"));
        Assert.That(Texts(Feed("ok\r")), Is.EqualTo(new[] { "Line: ok" }), "the next line starts clean");
    }

    [Test]
    public void ValidUtf8IsKeptAndEchoed()
    {
        Assert.That(Texts(Feed("héllo €uro 😀\r")), Is.EqualTo(new[] { "Line: héllo €uro 😀" }));
        Assert.That(_echo.ToString(), Is.EqualTo("héllo €uro 😀\n"));
    }

    [Test]
    public void LineOfExactlyTheMaximumIsAccepted()
    {
        List<LineEditorResult> results = Feed(new string('a', LineEditor.MaxLineBytes) + "\r");
        Assert.That(results[0].Kind, Is.EqualTo(LineEditorResultKind.Line));
        Assert.That(results[0].Text, Has.Length.EqualTo(LineEditor.MaxLineBytes));
    }

    [TestCase(4097)]
    [TestCase(5000)]
    [TestCase(100000)]
    public void LongerLinesAreRejectedAndTheEditorRecovers(int length)
    {
        List<LineEditorResult> results = Feed(new string('a', length) + "\r");
        Assert.That(results, Has.Count.EqualTo(1));
        Assert.That(results[0].Kind, Is.EqualTo(LineEditorResultKind.Rejected));
        Assert.That(results[0].Text, Is.EqualTo("line too long (max 4096 bytes)"));
        Assert.That(_echo.Length, Is.EqualTo(LineEditor.MaxLineBytes + 1), "dropped bytes are not echoed");
        Assert.That(Texts(Feed("ok\r")), Is.EqualTo(new[] { "Line: ok" }));
    }

    [Test]
    public void MultiByteCharacterThatWouldCrossTheLimitMakesTheLineTooLong()
    {
        List<LineEditorResult> results = Feed(new string('a', LineEditor.MaxLineBytes - 1) + "é\r");
        Assert.That(results[0].Text, Is.EqualTo(LineEditorResult.TooLongReason));
    }

    [Test]
    public void TooLongWinsOverGarbage()
    {
        List<LineEditorResult> results = Feed("\u0001" + new string('a', 5000) + "\r");
        Assert.That(results[0].Text, Is.EqualTo(LineEditorResult.TooLongReason));
    }

    [Test]
    public void ResetForgetsEverythingQuietly()
    {
        Feed("abc\u0001");
        _editor.Reset();
        Assert.That(_editor.Length, Is.Zero);
        Assert.That(Texts(Feed("x\r")), Is.EqualTo(new[] { "Line: x" }));
    }

    [Test]
    public void ResultsDescribeThemselves()
    {
        Assert.That(LineEditorResult.None.ToString(), Is.EqualTo("None"));
        Assert.That(LineEditorResult.Cancelled.ToString(), Is.EqualTo("Cancelled"));
        Assert.That(LineEditorResult.Rejected("why").ToString(), Is.EqualTo("Rejected: why"));
        Assert.That(LineEditorResult.None.Text, Is.Empty);
    }

    private List<LineEditorResult> Feed(string text) => Feed(Encoding.UTF8.GetBytes(text));

    private List<LineEditorResult> Feed(byte[] bytes)
    {
        var results = new List<LineEditorResult>();
        foreach (byte b in bytes)
        {
            LineEditorResult r = _editor.Feed(b);
            if (r.Kind != LineEditorResultKind.None)
            {
                results.Add(r);
            }
        }

        return results;
    }

    private static List<string> Texts(List<LineEditorResult> results) => results.ConvertAll(r => r.ToString());
}
