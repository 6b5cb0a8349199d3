using NexOS.Security.Evaluation;

namespace NexOS.Tests.Security.Evaluation;

[TestFixture]
public sealed class StudentTTests
{
    // Quantiles from standard t tables (three decimals), so the CDF there is the tail
    // probability to within the table's rounding.
    [TestCase(1, 1.000, 0.75)]
    [TestCase(1, 12.706, 0.975)]
    [TestCase(2, 2.920, 0.95)]
    [TestCase(3, 3.182, 0.975)]
    [TestCase(4, 4.604, 0.995)]
    [TestCase(5, 2.015, 0.95)]
    [TestCase(10, 2.228, 0.975)]
    [TestCase(15, 1.341, 0.90)]
    [TestCase(20, 3.552, 0.999)]
    [TestCase(29, 2.462, 0.99)]
    [TestCase(30, 2.750, 0.995)]
    [TestCase(120, 1.980, 0.975)]
    [TestCase(1000, 3.098, 0.999)]
    public void MatchesTableQuantiles(int df, double t, double expected)
    {
        Assert.That(StudentT.Cdf(t, df), Is.EqualTo(expected).Within(2e-4));
        Assert.That(StudentT.Cdf(-t, df), Is.EqualTo(1 - expected).Within(2e-4));
    }

    [Test]
    public void ExactClosedFormsForSmallDegrees()
    {
        foreach (double t in new[] { 0.1, 0.5, 1, 2, 5, 50 })
        {
            Assert.That(StudentT.Cdf(t, 1), Is.EqualTo(0.5 + (Math.Atan(t) / Math.PI)).Within(1e-15));
            Assert.That(StudentT.Cdf(t, 2), Is.EqualTo(0.5 + (t / (2 * Math.Sqrt(2 + (t * t))))).Within(1e-15));
            double x = t / Math.Sqrt(3);
            Assert.That(StudentT.Cdf(t, 3), Is.EqualTo(0.5 + ((x / (1 + (x * x))) + Math.Atan(x)) / Math.PI).Within(1e-15));
        }
    }

    [Test]
    public void AtanAgreesWithTheLibrary()
    {
        for (double x = -50; x <= 50; x += 0.0137)
        {
            Assert.That(StudentT.Atan(x), Is.EqualTo(Math.Atan(x)).Within(1e-15));
        }
    }

    [Test]
    public void IsSymmetricMonotoneAndApproachesTheNormal()
    {
        Assert.That(StudentT.Cdf(0, 7), Is.EqualTo(0.5));
        Assert.That(StudentT.Cdf(1.959964, 100_000), Is.EqualTo(0.975).Within(2e-4), "capped at 1000 df");
        foreach (int df in new[] { 1, 2, 3, 8, 9, 57, 1000 })
        {
            double previous = 0;
            for (double t = -20; t <= 20; t += 0.05)
            {
                double p = StudentT.Cdf(t, df);
                // Far in the tails 0.5 - A/2 cancels, so allow steps back of the order of 1e-15.
                Assert.That(p, Is.InRange(previous - 1e-13, 1.0));
                Assert.That(p + StudentT.Cdf(-t, df), Is.EqualTo(1.0).Within(1e-12));
                previous = p;
            }
        }

        Assert.That(StudentT.Cdf(double.PositiveInfinity, 3), Is.EqualTo(1.0));
        Assert.That(StudentT.Cdf(double.NegativeInfinity, 3), Is.EqualTo(0.0));
        Assert.That(StudentT.Cdf(double.NaN, 3), Is.EqualTo(0.5));
        Assert.That(StudentT.Cdf(1, 0), Is.EqualTo(StudentT.Cdf(1, 1)));
    }

    [Test]
    public void WelfordMatchesTwoPassStatisticsEvenWithALargeOffset()
    {
        var random = new Random(5);
        var stats = new RunningStats();
        var values = new double[10_000];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = 1e9 + (random.NextDouble() * 10);
            stats.Add(values[i]);
        }

        // The reference is computed in decimal (28 digits), so it is not itself the victim of
        // the rounding the test is about.
        decimal sum = 0;
        foreach (double v in values)
        {
            sum += (decimal)v;
        }

        decimal mean = sum / values.Length;
        decimal m2 = 0;
        foreach (double v in values)
        {
            m2 += ((decimal)v - mean) * ((decimal)v - mean);
        }

        Assert.That(stats.Count, Is.EqualTo(values.Length));
        Assert.That(stats.Mean, Is.EqualTo((double)mean).Within(1e-6));
        Assert.That(stats.Variance, Is.EqualTo((double)(m2 / (values.Length - 1))).Within(1e-6));
        stats.Add(double.NaN);
        stats.Add(double.PositiveInfinity);
        Assert.That(stats.Count, Is.EqualTo(values.Length));
        stats.Reset();
        Assert.That((stats.Count, stats.Mean, stats.Variance), Is.EqualTo((0L, 0.0, 0.0)));
    }
}
