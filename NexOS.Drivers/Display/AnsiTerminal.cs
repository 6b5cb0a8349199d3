namespace NexOS.Drivers.Display;

/// <summary>
/// A scrolling terminal on an <see cref="ITerminalScreen"/>: prints ASCII (other characters
/// show as '?'), obeys newline (which also returns the carriage, as the kernel's output
/// expects), carriage return, backspace and tab, wraps at the right edge and scrolls at the
/// bottom. It understands the ANSI sequences the shell sends: SGR colours (0, 1, 7, 22, 27,
/// 30-37, 39, 40-47, 49, 90-97, 100-107), cursor movement (CSI A/B/C/D, G, H/f), and erasing
/// (CSI J, CSI K), all with clamped arguments. Other sequences are parsed and skipped. It
/// never allocates or throws, and never hands the screen a cell outside the grid.
/// </summary>
public sealed class AnsiTerminal
{
    private readonly ITerminalScreen _screen;
    private readonly AnsiParser _parser = new();
    private readonly int _columns;
    private readonly int _rows;
    private int _row;
    private int _column;
    private byte _foreground = TextStyle.Default.Foreground;
    private byte _background = TextStyle.Default.Background;
    private bool _bold;
    private bool _inverse;

    /// <summary>Creates a terminal on <paramref name="screen"/> and clears it.</summary>
    public AnsiTerminal(ITerminalScreen screen)
    {
        _screen = screen;
        _columns = Math.Max(1, screen.Columns);
        _rows = Math.Max(1, screen.Rows);
        Clear();
    }

    /// <summary>The cursor's row (0-based).</summary>
    public int Row => _row;

    /// <summary>The cursor's column (0-based; equals the column count after the last column
    /// was written, until the next character wraps).</summary>
    public int Column => _column;

    /// <summary>The style characters are written in now (bold and inverse applied).</summary>
    public TextStyle Style
    {
        get
        {
            byte fg = _bold && _foreground < 8 ? (byte)(_foreground + 8) : _foreground;
            return _inverse ? new TextStyle(_background, fg) : new TextStyle(fg, _background);
        }
    }

    /// <summary>Blanks the screen in the current background and homes the cursor.</summary>
    public void Clear()
    {
        for (int r = 0; r < _rows; r++)
        {
            _screen.Erase(0, r, _columns, Style);
        }

        _row = 0;
        _column = 0;
        ShowCursor();
    }

    /// <summary>Writes each character of <paramref name="text"/>; null writes nothing.</summary>
    public void Write(string? text)
    {
        if (text == null)
        {
            return;
        }

        foreach (char c in text)
        {
            Feed(c);
        }

        ShowCursor();
    }

    /// <summary>Writes bytes as Latin-1 characters (UTF-8 sequences show as '?' per byte).</summary>
    public void Write(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            Feed((char)b);
        }

        ShowCursor();
    }

    /// <summary>Writes one character or sequence byte.</summary>
    public void Write(char c)
    {
        Feed(c);
        ShowCursor();
    }

    private void ShowCursor() => _screen.SetCursor(Math.Min(_column, _columns - 1), _row);

    private void Feed(char c)
    {
        switch (_parser.Feed(c))
        {
            case AnsiAction.Character:
                Character(c);
                break;
            case AnsiAction.ControlSequence:
                if (!_parser.IsPrivate)
                {
                    Sequence();
                }

                break;
        }
    }

    private void Character(char c)
    {
        switch (c)
        {
            case '\n':
                NewLine();
                return;
            case '\r':
                _column = 0;
                return;
            case '\b':
                // From just past the last column this lands on the last column, so the
                // shell's "\b \b" erases the character it just echoed there.
                if (_column > 0)
                {
                    _column--;
                }

                return;
            case '\t':
                int stop = Math.Min(_columns, (_column / 8 * 8) + 8);
                while (_column < stop)
                {
                    Put(' ');
                }

                return;
        }

        if (c < ' ')
        {
            return; // other control characters (BEL and the like) are ignored
        }

        Put(c < '\x7F' ? c : '?');
    }

    private void Put(char c)
    {
        if (_column >= _columns)
        {
            NewLine();
        }

        _screen.Put(_column, _row, c, Style);
        _column++;
    }

    private void NewLine()
    {
        _column = 0;
        if (_row + 1 < _rows)
        {
            _row++;
            return;
        }

        _screen.ScrollUp(Style);
    }

    private void Sequence()
    {
        int column = Math.Min(_column, _columns - 1);
        switch (_parser.Final)
        {
            case 'm':
                SelectGraphicRendition();
                break;
            case 'A':
                _row = Math.Max(0, _row - _parser.Parameter(0, 1));
                _column = column;
                break;
            case 'B':
                _row = Math.Min(_rows - 1, _row + _parser.Parameter(0, 1));
                _column = column;
                break;
            case 'C':
                _column = Math.Min(_columns - 1, column + _parser.Parameter(0, 1));
                break;
            case 'D':
                _column = Math.Max(0, column - _parser.Parameter(0, 1));
                break;
            case 'G':
                _column = Math.Clamp(_parser.Parameter(0, 1) - 1, 0, _columns - 1);
                break;
            case 'H':
            case 'f':
                _row = Math.Clamp(_parser.Parameter(0, 1) - 1, 0, _rows - 1);
                _column = Math.Clamp(_parser.Parameter(1, 1) - 1, 0, _columns - 1);
                break;
            case 'K':
                EraseInLine(_parser.RawParameter(0), column);
                break;
            case 'J':
                EraseInDisplay(_parser.RawParameter(0), column);
                break;
        }
    }

    private void EraseInLine(int mode, int column)
    {
        switch (mode)
        {
            case 0:
                _screen.Erase(column, _row, _columns - column, Style);
                break;
            case 1:
                _screen.Erase(0, _row, column + 1, Style);
                break;
            case 2:
                _screen.Erase(0, _row, _columns, Style);
                break;
        }
    }

    private void EraseInDisplay(int mode, int column)
    {
        int first = mode == 0 ? _row + 1 : 0;
        int last = mode == 1 ? _row - 1 : _rows - 1;
        if (mode > 3)
        {
            return;
        }

        for (int r = first; r <= last; r++)
        {
            _screen.Erase(0, r, _columns, Style);
        }

        if (mode == 0 || mode == 1)
        {
            EraseInLine(mode, column);
        }
    }

    private void SelectGraphicRendition()
    {
        int count = Math.Max(1, _parser.ParameterCount);
        for (int i = 0; i < count; i++)
        {
            int p = _parser.RawParameter(i);
            switch (p)
            {
                case 0:
                    _foreground = TextStyle.Default.Foreground;
                    _background = TextStyle.Default.Background;
                    _bold = false;
                    _inverse = false;
                    break;
                case 1: _bold = true; break;
                case 7: _inverse = true; break;
                case 22: _bold = false; break;
                case 27: _inverse = false; break;
                case >= 30 and <= 37: _foreground = (byte)(p - 30); break;
                case 39: _foreground = TextStyle.Default.Foreground; break;
                case >= 40 and <= 47: _background = (byte)(p - 40); break;
                case 49: _background = TextStyle.Default.Background; break;
                case >= 90 and <= 97: _foreground = (byte)(p - 90 + 8); break;
                case >= 100 and <= 107: _background = (byte)(p - 100 + 8); break;
            }
        }
    }
}
