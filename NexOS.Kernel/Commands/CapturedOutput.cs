namespace NexOS.Kernel.Commands;

/// <summary>
/// The output of a command run for redirection: kept up to a capacity the caller chose (at
/// most 1 MiB), counted in full beyond it, so the caller learns it was cut. The buffer grows
/// as output comes, so a small output costs a small buffer.
/// </summary>
internal sealed class CapturedOutput
{
    private readonly int _capacity;
    private byte[] _bytes = new byte[256];
    private int _kept;

    public CapturedOutput(int capacity) => _capacity = Math.Max(0, capacity);

    /// <summary>Bytes of output in all, kept or not.</summary>
    public long Total { get; private set; }

    /// <summary>The bytes kept.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes.AsSpan(0, _kept);

    public void Append(ReadOnlySpan<byte> text)
    {
        Total += text.Length;
        int room = Math.Min(text.Length, _capacity - _kept);
        if (room <= 0)
        {
            return;
        }

        if (_kept + room > _bytes.Length)
        {
            Array.Resize(ref _bytes, Math.Min(_capacity, Math.Max(_kept + room, _bytes.Length * 2)));
        }

        text[..room].CopyTo(_bytes.AsSpan(_kept));
        _kept += room;
    }
}
