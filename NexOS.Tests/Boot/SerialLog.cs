using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace NexOS.Tests.Boot;

/// <summary>
/// Text read from a stream by a background thread (UTF-8, decoded across read boundaries),
/// safe to read while it grows. A cursor marks how far the test has consumed it: each
/// successful <see cref="TryWaitFor"/> moves the cursor past its match, so output is read in
/// order and old text is never matched again.
/// </summary>
internal sealed class SerialLog
{
    private readonly StringBuilder _text = new();
    private readonly Thread _reader;
    private int _cursor;

    public SerialLog(Stream stream, string name)
    {
        _reader = new Thread(() => Pump(stream)) { IsBackground = true, Name = name };
        _reader.Start();
    }

    /// <summary>True while the stream is still open: more text may come.</summary>
    public bool IsOpen => _reader.IsAlive;

    /// <summary>Everything read so far.</summary>
    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    /// <summary>Everything read after the cursor.</summary>
    public string Unread
    {
        get
        {
            lock (_text)
            {
                return _text.ToString(_cursor, _text.Length - _cursor);
            }
        }
    }

    /// <summary>
    /// Waits until <paramref name="pattern"/> matches the unread text, moves the cursor past
    /// the match and returns it with the text from the old cursor to the match's end. Returns
    /// null once <paramref name="deadline"/> passes, <paramref name="cancel"/> fires, or
    /// <paramref name="finished"/> says no more text can come.
    /// </summary>
    public (Match Match, string Seen)? TryWaitFor(Regex pattern, DateTime deadline, CancellationToken cancel, Func<bool> finished)
    {
        lock (_text)
        {
            while (true)
            {
                string unread = _text.ToString(_cursor, _text.Length - _cursor);
                Match match = pattern.Match(unread);
                if (match.Success)
                {
                    int end = match.Index + match.Length;
                    _cursor += end;
                    return (match, unread[..end]);
                }

                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || cancel.IsCancellationRequested || (finished() && !IsOpen))
                {
                    return null;
                }

                Monitor.Wait(_text, left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
            }
        }
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the reader to see the end of the stream.</summary>
    public void Join(TimeSpan timeout) => _reader.Join(timeout);

    private void Pump(Stream stream)
    {
        Decoder decoder = Encoding.UTF8.GetDecoder();
        byte[] buffer = new byte[4096];
        char[] chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        try
        {
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                int count = decoder.GetChars(buffer, 0, n, chars, 0);
                lock (_text)
                {
                    _text.Append(chars, 0, count);
                    Monitor.PulseAll(_text);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The process was killed; the text holds everything read before.
        }

        lock (_text)
        {
            Monitor.PulseAll(_text);
        }
    }
}
