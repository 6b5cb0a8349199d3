using NexOS.Kernel.Threading;

namespace NexOS.Kernel.Processes;

/// <summary>
/// Output kept for redirection instead of shown: a kernel command's (RunCommandCaptured) and
/// what programs write to the log while they are captured (a process's
/// <see cref="Process.Output"/>, given at its start). It keeps bytes up to a capacity the
/// caller chose (at most 1 MiB) and counts the rest, so the caller learns the output was cut;
/// the buffer grows as output comes. Once closed (the capture was taken), writers fall back to
/// the kernel log: a program still running then loses nothing. Writers may be several threads.
/// </summary>
internal sealed class OutputCapture
{
    private readonly KernelMutex _lock = new();
    private readonly int _capacity;
    private byte[] _bytes = new byte[256];
    private int _kept;

    public OutputCapture(int capacity) => _capacity = Math.Max(0, capacity);

    /// <summary>Bytes of output in all, kept or not.</summary>
    public long Total { get; private set; }

    /// <summary>True once the capture was taken: <see cref="TryAppend"/> refuses.</summary>
    public bool Closed { get; private set; }

    /// <summary>Keeps <paramref name="text"/>; false (keeping nothing) once closed.</summary>
    public bool TryAppend(ReadOnlySpan<byte> text)
    {
        _lock.Lock();
        try
        {
            if (Closed)
            {
                return false;
            }

            Total += text.Length;
            int room = Math.Min(text.Length, _capacity - _kept);
            if (room > 0)
            {
                if (_kept + room > _bytes.Length)
                {
                    Array.Resize(ref _bytes, Math.Min(_capacity, Math.Max(_kept + room, _bytes.Length * 2)));
                }

                text[..room].CopyTo(_bytes.AsSpan(_kept));
                _kept += room;
            }

            return true;
        }
        finally
        {
            _lock.Unlock();
        }
    }

    /// <summary>Closes the capture and returns the bytes kept.</summary>
    public byte[] Take()
    {
        _lock.Lock();
        Closed = true;
        byte[] kept = _bytes.AsSpan(0, _kept).ToArray();
        _lock.Unlock();
        return kept;
    }
}
