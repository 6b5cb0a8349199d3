namespace NexOS.Drivers.Display;

/// <summary>
/// A scrolling terminal on a text-mode screen: prints ASCII, handles newline, carriage
/// return, backspace and tab, and scrolls up when the cursor passes the last row. Other
/// characters show as '?'. ANSI escape sequences are skipped so that output meant for a
/// serial terminal does not show as garbage.
/// </summary>
public sealed class TextConsole
{
    /// <summary>Light grey on black.</summary>
    public const byte DefaultAttribute = 0x07;

    private readonly ITextCells _cells;
    private int _row;
    private int _column;
    private bool _inEscape;

    public TextConsole(ITextCells cells)
    {
        _cells = cells;
        Clear();
    }

    public int Row => _row;

    public int Column => _column;

    public void Clear()
    {
        for (int i = 0; i < _cells.Width * _cells.Height; i++)
        {
            _cells.Set(i, Blank);
        }

        _row = 0;
        _column = 0;
    }

    public void Write(string text)
    {
        foreach (char c in text)
        {
            Write(c);
        }
    }

    public void Write(char c)
    {
        if (_inEscape)
        {
            // CSI sequences end with a byte in '@'..'~'; the '[' after ESC does not end one.
            if (c != '[' && c >= '@' && c <= '~')
            {
                _inEscape = false;
            }

            return;
        }

        switch (c)
        {
            case '\x1B':
                _inEscape = true;
                return;
            case '\n':
                NewLine();
                return;
            case '\r':
                _column = 0;
                return;
            case '\b':
                if (_column > 0)
                {
                    _column--;
                }

                return;
            case '\t':
                do
                {
                    Put(' ');
                }
                while (_column % 8 != 0);
                return;
            default:
                Put(c >= ' ' && c < '\x7F' ? c : '?');
                return;
        }
    }

    private ushort Blank => (ushort)(DefaultAttribute << 8 | ' ');

    private void Put(char c)
    {
        if (_column >= _cells.Width)
        {
            NewLine();
        }

        _cells.Set((_row * _cells.Width) + _column, (ushort)(DefaultAttribute << 8 | c));
        _column++;
    }

    private void NewLine()
    {
        _column = 0;
        if (_row + 1 < _cells.Height)
        {
            _row++;
            return;
        }

        int width = _cells.Width;
        for (int i = 0; i < width * (_cells.Height - 1); i++)
        {
            _cells.Set(i, _cells.Get(i + width));
        }

        for (int i = width * (_cells.Height - 1); i < width * _cells.Height; i++)
        {
            _cells.Set(i, Blank);
        }
    }
}
