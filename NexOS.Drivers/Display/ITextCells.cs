namespace NexOS.Drivers.Display;

/// <summary>
/// A text-mode screen as a grid of 16-bit cells (character in the low byte, colour attribute
/// in the high byte), row by row. The kernel implements it over the EGA/VGA text buffer;
/// tests implement it over an array.
/// </summary>
public interface ITextCells
{
    int Width { get; }

    int Height { get; }

    ushort Get(int index);

    void Set(int index, ushort cell);
}
