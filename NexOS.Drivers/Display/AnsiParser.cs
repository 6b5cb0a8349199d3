namespace NexOS.Drivers.Display;

/// <summary>What <see cref="AnsiParser.Feed"/> found.</summary>
public enum AnsiAction : byte
{
    /// <summary>Nothing to do yet (inside a sequence, or a skipped byte).</summary>
    None,

    /// <summary>A character to print or a control character (&lt; 0x20) to obey.</summary>
    Character,

    /// <summary>A complete control sequence (ESC [ ... final): see <see cref="AnsiParser.Final"/>
    /// and the parameters.</summary>
    ControlSequence,
}

/// <summary>
/// The escape sequence recogniser both consoles share: splits a character stream into
/// characters and CSI sequences (ESC '[' parameters final), and skips other escapes: two-byte
/// ones (ESC x), and OSC/DCS strings up to BEL or ESC '\' (at most <see cref="MaxStringLength"/>
/// characters, so a lost terminator cannot swallow output forever). Parameters are kept in a
/// fixed array; values are clamped to <see cref="MaxParameterValue"/> and extra parameters
/// are dropped, so no input makes it allocate or throw.
/// </summary>
public sealed class AnsiParser
{
    /// <summary>Parameters kept per sequence.</summary>
    public const int MaxParameters = 16;

    /// <summary>The largest parameter value kept.</summary>
    public const int MaxParameterValue = 9999;

    /// <summary>The longest OSC/DCS string skipped before giving up on its terminator.</summary>
    public const int MaxStringLength = 512;

    private const char Esc = '\x1B';

    private readonly int[] _parameters = new int[MaxParameters];
    private State _state;
    private int _count;
    private int _stringLength;
    private bool _private;

    private enum State : byte
    {
        Ground,
        Escape,
        Csi,
        String,
        StringEscape,
    }

    /// <summary>The final character of the last control sequence.</summary>
    public char Final { get; private set; }

    /// <summary>Parameters of the last control sequence (an empty parameter counts as 0).</summary>
    public int ParameterCount => _count;

    /// <summary>True when the last sequence had a private marker ('?', '&gt;', '=' or '&lt;'),
    /// which the consoles ignore.</summary>
    public bool IsPrivate => _private;

    /// <summary>Parameter <paramref name="index"/>, or <paramref name="fallback"/> when absent or 0.</summary>
    public int Parameter(int index, int fallback) =>
        index < _count && _parameters[index] != 0 ? _parameters[index] : fallback;

    /// <summary>Parameter <paramref name="index"/> as given (0 when absent).</summary>
    public int RawParameter(int index) => index < _count ? _parameters[index] : 0;

    /// <summary>Feeds one character; returns what it completes.</summary>
    public AnsiAction Feed(char c)
    {
        switch (_state)
        {
            case State.Ground:
                if (c == Esc)
                {
                    _state = State.Escape;
                    return AnsiAction.None;
                }

                return AnsiAction.Character;
            case State.Escape:
                return AfterEscape(c);
            case State.Csi:
                return InCsi(c);
            case State.String:
                _stringLength++;
                if (c == '\a' || _stringLength > MaxStringLength)
                {
                    _state = State.Ground;
                }
                else if (c == Esc)
                {
                    _state = State.StringEscape;
                }

                return AnsiAction.None;
            default: // StringEscape: ESC '\' ends the string; anything else starts over as an escape.
                _state = State.Ground;
                return c == '\\' ? AnsiAction.None : Feed(c);
        }
    }

    private AnsiAction AfterEscape(char c)
    {
        switch (c)
        {
            case '[':
                _state = State.Csi;
                _count = 0;
                _private = false;
                return AnsiAction.None;
            case ']':
            case 'P':
            case '_':
            case '^':
                _state = State.String;
                _stringLength = 0;
                return AnsiAction.None;
            case Esc:
                return AnsiAction.None; // ESC ESC: the second one starts the sequence
            default:
                // Two-character escapes (ESC c, ESC 7, ...) and intermediates are skipped.
                _state = c >= ' ' && c <= '/' ? State.Escape : State.Ground;
                return AnsiAction.None;
        }
    }

    private AnsiAction InCsi(char c)
    {
        if (c >= '0' && c <= '9')
        {
            if (_count == 0)
            {
                _count = 1;
                _parameters[0] = 0;
            }

            if (_count <= MaxParameters)
            {
                ref int p = ref _parameters[_count - 1];
                p = Math.Min(MaxParameterValue, (p * 10) + (c - '0'));
            }

            return AnsiAction.None;
        }

        if (c == ';' || c == ':')
        {
            if (_count == 0)
            {
                _count = 1;
                _parameters[0] = 0;
            }

            if (_count < MaxParameters)
            {
                _parameters[_count++] = 0;
            }
            else
            {
                _count = MaxParameters + 1; // further parameters are dropped
            }

            return AnsiAction.None;
        }

        if (c >= '<' && c <= '?')
        {
            _private = true;
            return AnsiAction.None;
        }

        if (c >= ' ' && c <= '/')
        {
            return AnsiAction.None; // intermediate bytes
        }

        _count = Math.Min(_count, MaxParameters);
        if (c >= '@' && c <= '~')
        {
            Final = c;
            _state = State.Ground;
            return AnsiAction.ControlSequence;
        }

        // A control character or anything else inside a CSI sequence aborts it; an ESC
        // starts a new sequence and other control characters are still obeyed.
        _state = State.Ground;
        if (c == Esc)
        {
            return Feed(c);
        }

        return c < ' ' ? AnsiAction.Character : AnsiAction.None;
    }
}
