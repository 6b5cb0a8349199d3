namespace NexOS.Ai.Learning;

/// <summary>
/// The engine's belief about each family of changes (e.g. "scheduler time slice",
/// "allocator budget"), as a Beta-Bernoulli posterior over "a change of this family is kept":
/// Thompson sampling draws a success rate from each family's posterior and proposes from the
/// family with the highest draw, so families that keep failing are proposed less and less
/// but never ruled out. Outcomes are weighted (a confident result counts more than a marginal
/// one), and old evidence decays, so the belief follows a system whose workload changes.
/// Families are registered at set-up; choosing and learning never allocate.
/// </summary>
public sealed class FamilyBandit
{
    private readonly string[] _names;
    private readonly double[] _alpha;
    private readonly double[] _beta;
    private readonly ulong[] _kept;
    private readonly ulong[] _rolledBack;
    private int _count;

    /// <summary>Room for <paramref name="capacity"/> families (1 to 64).</summary>
    public FamilyBandit(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, 64);
        _names = new string[capacity];
        _alpha = new double[capacity];
        _beta = new double[capacity];
        _kept = new ulong[capacity];
        _rolledBack = new ulong[capacity];
    }

    public int Count => _count;

    /// <summary>How much of the old evidence each outcome keeps (0.9 to 1; 1 never forgets).</summary>
    public double Retention { get; set; } = 0.98;

    /// <summary>Registers a family with a prior of <paramref name="priorKept"/> kept and
    /// <paramref name="priorRolledBack"/> rolled-back pseudo-outcomes (the pre-trained belief
    /// shipped in the ISO, or 1 and 1 for none). Returns its index; -1 when full, the name is
    /// empty or taken, or a prior is not a positive finite number.</summary>
    public int Register(string name, double priorKept = 1, double priorRolledBack = 1)
    {
        if (_count == _names.Length || string.IsNullOrEmpty(name) || IndexOf(name) >= 0
            || !(priorKept > 0) || !(priorRolledBack > 0) || double.IsInfinity(priorKept) || double.IsInfinity(priorRolledBack))
        {
            return -1;
        }

        _names[_count] = name;
        _alpha[_count] = priorKept;
        _beta[_count] = priorRolledBack;
        return _count++;
    }

    public int IndexOf(string name)
    {
        for (int i = 0; i < _count; i++)
        {
            if (_names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    public string NameOf(int family) => _names[family];

    /// <summary>The Beta belief of a family: pseudo-outcomes kept and rolled back.</summary>
    public (double Kept, double RolledBack) Belief(int family) => (_alpha[family], _beta[family]);

    /// <summary>Replaces a family's belief (a belief learned on an earlier boot); ignored for an
    /// unknown family or a value that is not a finite number of at least 1.</summary>
    public void SetBelief(int family, double kept, double rolledBack)
    {
        if ((uint)family < (uint)_count && kept >= 1 && rolledBack >= 1 && double.IsFinite(kept) && double.IsFinite(rolledBack))
        {
            _alpha[family] = kept;
            _beta[family] = rolledBack;
        }
    }

    /// <summary>The posterior mean of the family's keep rate.</summary>
    public double KeepRate(int family) => _alpha[family] / (_alpha[family] + _beta[family]);

    public ulong Kept(int family) => _kept[family];

    public ulong RolledBack(int family) => _rolledBack[family];

    /// <summary>Thompson sampling: the family with the highest draw from its posterior, or -1
    /// when none is registered. <paramref name="allowed"/>, when given, masks families out
    /// (bit i for family i), e.g. those the security level forbids.</summary>
    public int Choose(ref SplitMix random, ulong allowed = ulong.MaxValue)
    {
        int best = -1;
        double bestDraw = -1;
        for (int i = 0; i < _count; i++)
        {
            if ((allowed & (1UL << i)) == 0)
            {
                continue;
            }

            double draw = random.NextBeta(_alpha[i], _beta[i]);
            if (draw > bestDraw)
            {
                bestDraw = draw;
                best = i;
            }
        }

        return best;
    }

    /// <summary>One draw from family <paramref name="family"/>'s posterior of "kept" (0 to 1),
    /// or 0 for an unknown family: Thompson sampling for one candidate at a time.</summary>
    public double Draw(int family, ref SplitMix random)
        => (uint)family < (uint)_count ? random.NextBeta(_alpha[family], _beta[family]) : 0;

    /// <summary>Learns one outcome: <paramref name="kept"/> or rolled back, with
    /// <paramref name="weight"/> (0 to 1, e.g. the confidence of the canary's verdict) as the
    /// evidence it carries. Old evidence of every family decays by <see cref="Retention"/>,
    /// never below the uniform prior's strength. False (nothing learned) for an unknown family
    /// or a weight outside 0 to 1.</summary>
    public bool Learn(int family, bool kept, double weight = 1)
    {
        if ((uint)family >= (uint)_count || !(weight >= 0 && weight <= 1))
        {
            return false;
        }

        double retention = Math.Clamp(Retention, 0.9, 1);
        for (int i = 0; i < _count; i++)
        {
            _alpha[i] = Math.Max(1, _alpha[i] * retention);
            _beta[i] = Math.Max(1, _beta[i] * retention);
        }

        if (kept)
        {
            _alpha[family] += weight;
            _kept[family]++;
        }
        else
        {
            _beta[family] += weight;
            _rolledBack[family]++;
        }

        return true;
    }
}
