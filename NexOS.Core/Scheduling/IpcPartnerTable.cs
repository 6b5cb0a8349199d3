namespace NexOS.Core.Scheduling;

/// <summary>
/// Which thread each thread talks to over IPC, learnt from who wakes whom. Every slot holds
/// one candidate partner and a saturating score: a wake of the same partner adds one, a wake
/// of another one takes one away and replaces the candidate when the score reaches zero (a
/// one-counter heavy-hitter count), and scores halve every half-life so that a pair that
/// stopped talking is forgotten. Fixed arrays, no allocation, no exceptions: it is updated on
/// the IPC path with interrupts off. Thread ids grow without bound, so a slot is the id modulo
/// the capacity and remembers its owner: a new owner starts from nothing.
/// </summary>
public sealed class IpcPartnerTable
{
    /// <summary>The highest score a pair can reach (about four half-lives of steady talk at
    /// any rate above one wake per half-life keep it there).</summary>
    public const int MaxScore = 64;

    /// <summary>Halvings beyond which a score is certainly zero.</summary>
    private const int MaxHalvings = 8;

    private readonly int[] _owner;
    private readonly int[] _partner;
    private readonly int[] _score;
    private readonly ulong[] _stampNs;
    private readonly int _mask;

    /// <summary>Creates a table for <paramref name="capacity"/> threads (rounded up to a power
    /// of two, 2..65536) whose scores halve every <paramref name="halfLifeNs"/> (at least 1).</summary>
    public IpcPartnerTable(int capacity, ulong halfLifeNs)
    {
        int size = 2;
        while (size < capacity && size < 65536)
        {
            size <<= 1;
        }

        _owner = new int[size];
        _partner = new int[size];
        _score = new int[size];
        _stampNs = new ulong[size];
        _mask = size - 1;
        HalfLifeNs = halfLifeNs == 0 ? 1 : halfLifeNs;
        for (int i = 0; i < size; i++)
        {
            _owner[i] = -1;
            _partner[i] = -1;
        }
    }

    /// <summary>Slots in the table.</summary>
    public int Capacity => _mask + 1;

    /// <summary>Time for a score to halve, in ns. May be changed while running (the next update
    /// of each slot uses it).</summary>
    public ulong HalfLifeNs { get; set; }

    /// <summary>Wakes recorded.</summary>
    public ulong Recorded { get; private set; }

    /// <summary>Wakes ignored: negative ids or a thread waking itself.</summary>
    public ulong Ignored { get; private set; }

    /// <summary>Notes that <paramref name="waker"/> woke <paramref name="woken"/> by IPC at
    /// <paramref name="nowNs"/>.</summary>
    public void RecordWake(int waker, int woken, ulong nowNs)
    {
        if (waker < 0 || woken < 0 || waker == woken)
        {
            Ignored++;
            return;
        }

        Recorded++;
        int slot = Claim(waker, nowNs);
        if (_partner[slot] == woken)
        {
            if (_score[slot] < MaxScore)
            {
                _score[slot]++;
            }
        }
        else if (_score[slot] == 0)
        {
            _partner[slot] = woken;
            _score[slot] = 1;
        }
        else
        {
            _score[slot]--;
        }
    }

    /// <summary>The score of <paramref name="partner"/> as <paramref name="thread"/>'s partner
    /// at <paramref name="nowNs"/> (decayed; 0 when it is not the partner). Read-only.</summary>
    public int Score(int thread, int partner, ulong nowNs)
    {
        if (thread < 0 || partner < 0)
        {
            return 0;
        }

        int slot = thread & _mask;
        if (_owner[slot] != thread || _partner[slot] != partner)
        {
            return 0;
        }

        int halvings = Halvings(_stampNs[slot], nowNs);
        return halvings >= MaxHalvings ? 0 : _score[slot] >> halvings;
    }

    /// <summary>The current candidate partner of <paramref name="thread"/>, or -1.</summary>
    public int PartnerOf(int thread)
    {
        if (thread < 0)
        {
            return -1;
        }

        int slot = thread & _mask;
        return _owner[slot] == thread ? _partner[slot] : -1;
    }

    /// <summary>Forgets <paramref name="thread"/> (it exited).</summary>
    public void Forget(int thread)
    {
        if (thread < 0)
        {
            return;
        }

        int slot = thread & _mask;
        if (_owner[slot] == thread)
        {
            _owner[slot] = -1;
            _partner[slot] = -1;
            _score[slot] = 0;
        }
    }

    /// <summary>The slot of <paramref name="thread"/>, taken over if another thread held it,
    /// with its score decayed to <paramref name="nowNs"/>.</summary>
    private int Claim(int thread, ulong nowNs)
    {
        int slot = thread & _mask;
        if (_owner[slot] != thread)
        {
            _owner[slot] = thread;
            _partner[slot] = -1;
            _score[slot] = 0;
            _stampNs[slot] = nowNs;
            return slot;
        }

        int halvings = Halvings(_stampNs[slot], nowNs);
        if (halvings > 0)
        {
            _score[slot] = halvings >= MaxHalvings ? 0 : _score[slot] >> halvings;
            // Keep the remainder of the period so that frequent updates still decay.
            _stampNs[slot] = halvings >= MaxHalvings ? nowNs : _stampNs[slot] + ((ulong)halvings * HalfLifeNs);
        }
        else if (nowNs < _stampNs[slot])
        {
            _stampNs[slot] = nowNs; // a clock that went back: restart the period, never underflow
        }

        return slot;
    }

    private int Halvings(ulong stampNs, ulong nowNs)
    {
        if (nowNs <= stampNs)
        {
            return 0;
        }

        ulong periods = (nowNs - stampNs) / HalfLifeNs;
        return periods >= MaxHalvings ? MaxHalvings : (int)periods;
    }
}
