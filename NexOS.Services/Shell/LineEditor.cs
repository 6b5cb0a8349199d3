using System.Text;

namespace NexOS.Services.Shell;

/// <summary>
/// Turns the bytes a terminal sends into lines, one byte at a time, echoing what it accepts.
/// It understands printable ASCII and UTF-8, backspace (0x08 and 0x7F), Ctrl-C, Ctrl-U, and
/// CR, LF or CRLF as the end of a line; it swallows escape sequences (arrow keys and the
/// like). Other control bytes and invalid UTF-8 are not stored but spoil the line, which is
/// then rejected when entered, as is a line that outgrew <see cref="MaxLineBytes"/>. No input
/// makes it throw; its memory use is fixed.
/// <para>
/// After <see cref="MaskNextLine"/> the next line is a secret: the same keys edit it, but
/// nothing of it is echoed, not even a '*' per character (which would give away its length),
/// and neither are the erasures, since there is nothing on screen to erase; only the "\n" or
/// "^C" that ends it is. It ends as <see cref="LineEditorResultKind.Secret"/>, never as text:
/// its bytes stay in the editor's own buffer, readable through <see cref="Secret"/>, until
/// <see cref="Reset"/> or the next byte wipes them.
/// </para>
/// </summary>
public sealed class LineEditor
{
    /// <summary>The longest line accepted, in UTF-8 bytes.</summary>
    public const int MaxLineBytes = 4096;

    private const byte CtrlC = 0x03;
    private const byte Backspace = 0x08;
    private const byte LineFeed = 0x0A;
    private const byte CarriageReturn = 0x0D;
    private const byte CtrlU = 0x15;
    private const byte Escape = 0x1B;
    private const byte Delete = 0x7F;
    private const string Erase = "\b \b";

    // A CSI sequence longer than this is not one a terminal sends; stop swallowing.
    private const int MaxEscapeLength = 32;

    private static readonly string[] s_ascii = CreateAsciiTable();

    private readonly Action<string> _echo;
    private readonly byte[] _line = new byte[MaxLineBytes];
    private readonly byte[] _pending = new byte[4];
    private int _length;
    private int _pendingCount;
    private int _pendingNeeded;
    private bool _tooLong;
    private bool _garbage;
    private bool _afterCarriageReturn;
    private bool _masked;
    private bool _holdsSecret;
    private EscapeState _escape;
    private int _escapeLength;

    /// <summary>Creates an editor that echoes through <paramref name="echo"/>: accepted
    /// characters, "\b \b" to erase one, "^C" and "\n" at the end of a line.</summary>
    public LineEditor(Action<string> echo)
    {
        _echo = echo;
    }

    private enum EscapeState
    {
        None,
        Escape,
        Csi,
        Ss3,
    }

    /// <summary>Bytes in the line being edited.</summary>
    public int Length => _length;

    /// <summary>True while the line being edited is a secret (see <see cref="MaskNextLine"/>).</summary>
    public bool IsMasked => _masked;

    /// <summary>
    /// The secret line just entered, as UTF-8 without control characters: valid only straight
    /// after <see cref="Feed"/> returned <see cref="LineEditorResultKind.Secret"/>, and empty
    /// once <see cref="Reset"/> or the next byte has wiped it.
    /// </summary>
    public ReadOnlySpan<byte> Secret => _holdsSecret ? _line.AsSpan(0, _length) : ReadOnlySpan<byte>.Empty;

    /// <summary>Reads the next line as a secret: no echo, and it ends as
    /// <see cref="LineEditorResultKind.Secret"/> rather than as text. Any partly typed line is
    /// forgotten without echo. Only that one line is masked; the editor then returns to normal.</summary>
    public void MaskNextLine()
    {
        Reset();
        _masked = true;
    }

    /// <summary>
    /// Takes the next byte from the terminal. Returns <see cref="LineEditorResultKind.None"/>
    /// until the byte ends a line (CR, or LF not straight after CR) or cancels it (Ctrl-C);
    /// the editor is then ready for the next line, holding only a secret just entered.
    /// </summary>
    public LineEditorResult Feed(byte b)
    {
        if (_holdsSecret)
        {
            Reset();
        }

        bool afterCarriageReturn = _afterCarriageReturn;
        _afterCarriageReturn = false;
        if (_escape != EscapeState.None && ContinueEscape(b))
        {
            return LineEditorResult.None;
        }

        if (_pendingNeeded > 0)
        {
            if ((b & 0xC0) == 0x80)
            {
                _pending[_pendingCount++] = b;
                if (_pendingCount == _pendingNeeded)
                {
                    CompleteSequence();
                }

                return LineEditorResult.None;
            }

            // The sequence broke off: spoil the line, then take the byte on its own merits.
            _garbage = true;
            _pendingCount = 0;
            _pendingNeeded = 0;
        }

        switch (b)
        {
            case CarriageReturn:
                _afterCarriageReturn = true;
                return EndLine();
            case LineFeed:
                return afterCarriageReturn ? LineEditorResult.None : EndLine();
            case CtrlC:
                _echo("^C\n");
                Reset();
                return LineEditorResult.Cancelled;
            case Backspace:
            case Delete:
                EraseLastCharacter();
                return LineEditorResult.None;
            case CtrlU:
                EraseLine();
                return LineEditorResult.None;
            case Escape:
                _escape = EscapeState.Escape;
                _escapeLength = 0;
                return LineEditorResult.None;
        }

        if (b < 0x20)
        {
            _garbage = true;
        }
        else if (b < 0x80)
        {
            _pending[0] = b;
            Append(_pending.AsSpan(0, 1), s_ascii[b]);
        }
        else
        {
            StartSequence(b);
        }

        return LineEditorResult.None;
    }

    /// <summary>Forgets the line being edited without echoing anything. A secret, whether being
    /// typed or entered, is wiped from the buffers and the editor returns to normal.</summary>
    public void Reset()
    {
        if (_masked || _holdsSecret)
        {
            // Backspace only moved the end of the line back, so wipe all of it, not just the
            // part in use; a secret must not outlive its use in memory the editor reuses.
            Array.Clear(_line);
            Array.Clear(_pending);
            _masked = false;
            _holdsSecret = false;
        }

        ClearLine();
    }

    /// <summary>Empties the line and its marks, leaving the masking as it is.</summary>
    private void ClearLine()
    {
        _length = 0;
        _pendingCount = 0;
        _pendingNeeded = 0;
        _tooLong = false;
        _garbage = false;
        _escape = EscapeState.None;
        _escapeLength = 0;
    }

    private LineEditorResult EndLine()
    {
        _echo("\n");
        LineEditorResult result = _tooLong ? LineEditorResult.Rejected(LineEditorResult.TooLongReason)
            : _garbage ? LineEditorResult.Rejected(LineEditorResult.GarbageReason)
            : _masked ? LineEditorResult.Secret
            : LineEditorResult.Line(Encoding.UTF8.GetString(_line, 0, _length));
        if (result.Kind == LineEditorResultKind.Secret)
        {
            // Keep the bytes for Secret; the next byte or Reset wipes them.
            _masked = false;
            _holdsSecret = true;
            return result;
        }

        Reset();
        return result;
    }

    /// <summary>Advances an escape sequence. Returns true when the byte belonged to it.</summary>
    private bool ContinueEscape(byte b)
    {
        EscapeState state = _escape;
        _escape = EscapeState.None;
        switch (state)
        {
            case EscapeState.Escape when b == (byte)'[':
                _escape = EscapeState.Csi;
                return true;
            case EscapeState.Escape when b == (byte)'O':
                _escape = EscapeState.Ss3;
                return true;
            case EscapeState.Escape:
            case EscapeState.Ss3:
                // ESC + printable is Alt+key, SS3 + printable an F1-F4 or keypad key.
                return b >= 0x20 && b < 0x7F;
            case EscapeState.Csi when b >= 0x20 && b <= 0x3F:
                // Parameter and intermediate bytes; the sequence goes on.
                _escape = ++_escapeLength < MaxEscapeLength ? EscapeState.Csi : EscapeState.None;
                return true;
            case EscapeState.Csi:
                return b >= 0x40 && b <= 0x7E;
            default:
                return false;
        }
    }

    private void StartSequence(byte lead)
    {
        // Lead bytes of 2, 3 and 4 byte sequences; 0x80-0xC1 and 0xF5-0xFF never start one.
        int needed = lead switch
        {
            >= 0xC2 and <= 0xDF => 2,
            >= 0xE0 and <= 0xEF => 3,
            >= 0xF0 and <= 0xF4 => 4,
            _ => 0,
        };
        if (needed == 0)
        {
            _garbage = true;
            return;
        }

        _pending[0] = lead;
        _pendingCount = 1;
        _pendingNeeded = needed;
    }

    private void CompleteSequence()
    {
        ReadOnlySpan<byte> sequence = _pending.AsSpan(0, _pendingCount);
        _pendingCount = 0;
        _pendingNeeded = 0;

        // The lead byte only bounds the length; this also refuses overlong forms and surrogates.
        if (Rune.DecodeFromUtf8(sequence, out Rune rune, out int consumed) != System.Buffers.OperationStatus.Done
            || consumed != sequence.Length)
        {
            _garbage = true;
            return;
        }

        // A secret's characters never become strings: they would outlive the wipe on the heap.
        Append(sequence, _masked ? null : rune.ToString());
    }

    private void Append(ReadOnlySpan<byte> character, string? echo)
    {
        if (_length + character.Length > MaxLineBytes)
        {
            _tooLong = true;
            return;
        }

        character.CopyTo(_line.AsSpan(_length));
        _length += character.Length;
        if (!_masked && echo != null)
        {
            _echo(echo);
        }
    }

    private void EraseLastCharacter()
    {
        if (_pendingNeeded > 0)
        {
            // Half a character was typed and never shown: drop it quietly.
            _pendingCount = 0;
            _pendingNeeded = 0;
            return;
        }

        if (_length == 0)
        {
            return;
        }

        int start = _length - 1;
        while (start > 0 && (_line[start] & 0xC0) == 0x80)
        {
            start--;
        }

        _length = start;
        if (!_masked)
        {
            _echo(Erase);
        }
    }

    private void EraseLine()
    {
        if (_masked)
        {
            // Nothing was shown, so nothing is erased on screen; the line still ends masked,
            // and the Reset at its end wipes the bytes.
            ClearLine();
            return;
        }

        int characters = 0;
        for (int i = 0; i < _length; i++)
        {
            if ((_line[i] & 0xC0) != 0x80)
            {
                characters++;
            }
        }

        if (characters > 0)
        {
            var erase = new StringBuilder(characters * Erase.Length);
            for (int i = 0; i < characters; i++)
            {
                erase.Append(Erase);
            }

            _echo(erase.ToString());
        }

        Reset();
    }

    private static string[] CreateAsciiTable()
    {
        var table = new string[0x80];
        for (int i = 0; i < table.Length; i++)
        {
            table[i] = ((char)i).ToString();
        }

        return table;
    }
}
