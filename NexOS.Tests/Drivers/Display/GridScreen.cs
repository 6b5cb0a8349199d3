using NexOS.Drivers.Display;

namespace NexOS.Tests.Drivers.Display;

/// <summary>A terminal screen that keeps characters and styles in arrays and fails loudly on
/// any cell outside the grid.</summary>
internal sealed class GridScreen : ITerminalScreen
{
    public GridScreen(int columns, int rows)
    {
        Columns = columns;
        Rows = rows;
        Chars = new char[columns * rows];
        Styles = new TextStyle[columns * rows];
    }

    public int Columns { get; }

    public int Rows { get; }

    public char[] Chars { get; }

    public TextStyle[] Styles { get; }

    public int Scrolls { get; private set; }

    public string Line(int row) => new string(Chars, row * Columns, Columns).TrimEnd();

    public void Put(int column, int row, char c, TextStyle style)
    {
        Check(column, row, 1);
        Assert.That(c, Is.InRange(' ', '~'));
        Chars[(row * Columns) + column] = c;
        Styles[(row * Columns) + column] = style;
    }

    public void Erase(int column, int row, int count, TextStyle style)
    {
        Check(column, row, count);
        for (int i = 0; i < count; i++)
        {
            Chars[(row * Columns) + column + i] = ' ';
            Styles[(row * Columns) + column + i] = style;
        }
    }

    public void ScrollUp(TextStyle style)
    {
        Scrolls++;
        Array.Copy(Chars, Columns, Chars, 0, Columns * (Rows - 1));
        Array.Copy(Styles, Columns, Styles, 0, Columns * (Rows - 1));
        Erase(0, Rows - 1, Columns, style);
    }

    public (int Column, int Row) Cursor { get; private set; }

    public void SetCursor(int column, int row)
    {
        Check(column, row, 1);
        Cursor = (column, row);
    }

    private void Check(int column, int row, int count)
    {
        if (column < 0 || row < 0 || row >= Rows || count < 0 || column + count > Columns)
        {
            throw new AssertionException($"cell {column},{row} x{count} outside the {Columns}x{Rows} grid");
        }
    }
}
