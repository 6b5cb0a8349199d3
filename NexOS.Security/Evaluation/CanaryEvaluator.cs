using NexOS.Security.Policy;

namespace NexOS.Security.Evaluation;

/// <summary>What to do with a patch on trial.</summary>
public enum CanaryVerdict : byte
{
    /// <summary>Not enough evidence yet: keep collecting.</summary>
    Undecided = 0,

    /// <summary>The canary is better with the required confidence: promote it.</summary>
    Keep = 1,

    /// <summary>The canary is worse with the required confidence, or the trial ran out
    /// without showing it is better: restore the previous version.</summary>
    RollBack = 2,
}

/// <summary>Which way the target metric should move.</summary>
public enum MetricDirection : byte
{
    /// <summary>Larger is better (throughput).</summary>
    HigherIsBetter = 1,

    /// <summary>Smaller is better (latency).</summary>
    LowerIsBetter = 2,
}

/// <summary>
/// Decides whether a canary (the patched version, serving a share of decisions) beats the
/// baseline on one metric. Contract: samples stream in per arm (Welford, constant memory);
/// <see cref="Decide"/> runs a one-sided Welch t-test at planned looks only, when the smaller
/// arm reaches min, 2 min, 4 min ... samples and at the maximum, and never allocates.
/// Keeping a change needs confidence that it is better, split evenly over the looks
/// (Bonferroni) so that looking repeatedly does not inflate the chance of keeping a change
/// that is no better. Rolling back needs the plain confidence that it is worse, since a wrong
/// rollback only costs a missed gain. At the maximum (or the deadline) anything not shown
/// to be better is rolled back. Not thread-safe; one evaluator per trial.
/// </summary>
public sealed class CanaryEvaluator
{
    private readonly MetricDirection _direction;
    private readonly double _alpha;
    private readonly double _keepAlpha;
    private readonly long _minSamples;
    private readonly long _maxSamples;
    private RunningStats _baseline;
    private RunningStats _canary;
    private long _nextLook;

    /// <summary>Creates an evaluator. <paramref name="confidenceBp"/> is clamped to
    /// [5000, 9999], <paramref name="minSamples"/> to at least 2, and <paramref name="maxSamples"/>
    /// to at least <paramref name="minSamples"/>.</summary>
    public CanaryEvaluator(MetricDirection direction, int confidenceBp, int minSamples, int maxSamples)
    {
        _direction = direction;
        _alpha = (10_000 - Math.Clamp(confidenceBp, 5000, 9999)) / 10_000.0;
        _minSamples = Math.Max(2, minSamples);
        _maxSamples = Math.Max(_minSamples, maxSamples);
        Looks = CountLooks(_minSamples, _maxSamples);
        _keepAlpha = _alpha / Looks;
        _nextLook = _minSamples;
    }

    /// <summary>An evaluator with the policy's confidence and sample limits.</summary>
    public static CanaryEvaluator ForPolicy(SecurityPolicy policy, MetricDirection direction)
        => new(direction, policy.ConfidenceBp, policy.CanaryMinSamples, policy.CanaryMaxSamples);

    /// <summary>Statistics of the unpatched arm.</summary>
    public RunningStats Baseline => _baseline;

    /// <summary>Statistics of the patched arm.</summary>
    public RunningStats Canary => _canary;

    /// <summary>How many looks the trial has at most, counting one forced by the deadline
    /// (the Bonferroni divisor).</summary>
    public int Looks { get; }

    /// <summary>Welch t of the last look, signed so that positive means the canary is better.</summary>
    public double LastStatistic { get; private set; }

    /// <summary>Degrees of freedom used at the last look (Welch-Satterthwaite, rounded down).</summary>
    public int LastDegreesOfFreedom { get; private set; }

    /// <summary>P(T &lt;= t) at the last look: the one-sided confidence that the canary is better.</summary>
    public double LastConfidenceBetter { get; private set; } = 0.5;

    /// <summary>Adds a metric sample from the baseline.</summary>
    public void AddBaseline(double value) => _baseline.Add(value);

    /// <summary>Adds a metric sample from the canary.</summary>
    public void AddCanary(double value) => _canary.Add(value);

    /// <summary>The verdict now. <paramref name="deadlinePassed"/> (the policy's canary time
    /// limit) forces a final look: keep if shown better, else roll back.</summary>
    public CanaryVerdict Decide(bool deadlinePassed = false)
    {
        long n = Math.Min(_baseline.Count, _canary.Count);
        bool final = n >= _maxSamples || deadlinePassed;
        if (!final && n < _nextLook)
        {
            return CanaryVerdict.Undecided;
        }

        while (_nextLook <= n && _nextLook < _maxSamples)
        {
            _nextLook = Math.Min(_nextLook * 2, _maxSamples);
        }

        if (n < 2)
        {
            return final ? CanaryVerdict.RollBack : CanaryVerdict.Undecided;
        }

        Test();
        if (LastConfidenceBetter >= 1.0 - _keepAlpha)
        {
            return CanaryVerdict.Keep;
        }

        if (1.0 - LastConfidenceBetter >= 1.0 - _alpha || final)
        {
            return CanaryVerdict.RollBack;
        }

        return CanaryVerdict.Undecided;
    }

    // One-sided Welch test of "canary better than baseline". With no spread in either arm the
    // difference of means is known exactly, so any difference is decisive and none is not.
    private void Test()
    {
        double difference = _canary.Mean - _baseline.Mean;
        if (_direction == MetricDirection.LowerIsBetter)
        {
            difference = -difference;
        }

        double vb = _baseline.Variance / _baseline.Count;
        double vc = _canary.Variance / _canary.Count;
        double se2 = vb + vc;
        if (se2 <= 0)
        {
            LastStatistic = difference > 0 ? double.PositiveInfinity : difference < 0 ? double.NegativeInfinity : 0;
            LastDegreesOfFreedom = StudentT.MaxDegreesOfFreedom;
        }
        else
        {
            LastStatistic = difference / Math.Sqrt(se2);
            double denominator = (vb * vb / (_baseline.Count - 1)) + (vc * vc / (_canary.Count - 1));
            double df = denominator > 0 ? se2 * se2 / denominator : StudentT.MaxDegreesOfFreedom;
            LastDegreesOfFreedom = df >= StudentT.MaxDegreesOfFreedom ? StudentT.MaxDegreesOfFreedom : Math.Max(1, (int)df);
        }

        LastConfidenceBetter = StudentT.Cdf(LastStatistic, LastDegreesOfFreedom);
    }

    // The planned looks, plus one that the deadline may force between two planned ones.
    private static int CountLooks(long min, long max)
    {
        int looks = 2;
        for (long n = min; n < max; n = Math.Min(n * 2, max))
        {
            looks++;
        }

        return looks;
    }
}
