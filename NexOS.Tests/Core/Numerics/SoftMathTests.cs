using NexOS.Core.Numerics;

namespace NexOS.Tests.Core.Numerics;

/// <summary>The kernel's log, exp and pow against the host's C library.</summary>
[TestFixture]
public class SoftMathTests
{
    private const double Ulps = 4e-16;

    [Test]
    public void LogMatchesTheHostAcrossTheRange()
    {
        var random = new Random(1);
        for (int i = 0; i < 100_000; i++)
        {
            double x = Math.Exp(random.NextDouble() * 1400 - 700) * (1 + random.NextDouble());
            AssertClose(SoftMath.Log(x), Math.Log(x), x);
        }

        foreach (double x in new[] { 1.0, 2.0, 0.5, 10.0, Math.E, 1e-310, double.Epsilon, double.MaxValue, 1 + 1e-15, 1 - 1e-16 })
        {
            Assert.That(SoftMath.Log(x), Is.EqualTo(Math.Log(x)).Within(Math.Max(Math.Abs(Math.Log(x)) * Ulps, 1e-300)), $"log {x}");
        }
    }

    [Test]
    public void ExpMatchesTheHostAcrossTheRange()
    {
        var random = new Random(2);
        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextDouble() * 1400 - 700;
            AssertClose(SoftMath.Exp(x), Math.Exp(x), x);
        }
    }

    [Test]
    public void PowMatchesTheHostForSamplingShapes()
    {
        var random = new Random(3);
        for (int i = 0; i < 100_000; i++)
        {
            double x = random.NextDouble() * 100;
            double y = random.NextDouble() * 20 - 10;
            double expected = Math.Pow(x, y);
            double relative = Math.Abs(SoftMath.Pow(x, y) - expected) / Math.Max(expected, double.Epsilon);
            Assert.That(relative, Is.LessThan(1e-13), $"pow({x}, {y})");
        }
    }

    [TestCase(2.0, 10.0, 1024.0)]
    [TestCase(-2.0, 3.0, -8.0)]
    [TestCase(10.0, -2.0, 0.01)]
    [TestCase(1.5, 2.0, 2.25)]
    public void SmallIntegerPowersAreExact(double x, double y, double expected) => Assert.That(SoftMath.Pow(x, y), Is.EqualTo(expected));

    [TestCase(double.NaN, double.NaN)]
    [TestCase(-1.0, double.NaN)]
    [TestCase(0.0, double.NegativeInfinity)]
    [TestCase(double.PositiveInfinity, double.PositiveInfinity)]
    public void LogSpecialValues(double x, double expected) => Assert.That(SoftMath.Log(x), Is.EqualTo(expected));

    [TestCase(double.NaN, double.NaN)]
    [TestCase(1000.0, double.PositiveInfinity)]
    [TestCase(-1000.0, 0.0)]
    [TestCase(double.NegativeInfinity, 0.0)]
    [TestCase(0.0, 1.0)]
    public void ExpSpecialValues(double x, double expected) => Assert.That(SoftMath.Exp(x), Is.EqualTo(expected));

    [TestCase(-2.0, 3.0)]
    [TestCase(-2.0, 2.0)]
    [TestCase(-2.0, 0.5)]
    [TestCase(0.0, -1.0)]
    [TestCase(-0.0, -1.0)]
    [TestCase(0.0, 2.0)]
    [TestCase(double.PositiveInfinity, -2.0)]
    [TestCase(double.NegativeInfinity, 3.0)]
    [TestCase(0.5, double.PositiveInfinity)]
    [TestCase(2.0, double.NegativeInfinity)]
    [TestCase(-1.0, double.PositiveInfinity)]
    [TestCase(double.NaN, 0.0)]
    [TestCase(1.0, double.NaN)]
    [TestCase(3.0, 1e300)]
    public void PowSpecialValuesFollowC99(double x, double y)
    {
        double expected = Math.Pow(x, y);
        double actual = SoftMath.Pow(x, y);
        if (double.IsNaN(expected) || double.IsInfinity(expected) || expected == 0)
        {
            Assert.That(actual, Is.EqualTo(expected));
            Assert.That(double.IsNegative(actual), Is.EqualTo(double.IsNegative(expected)), "sign");
            return;
        }

        Assert.That(actual, Is.EqualTo(expected).Within(Math.Abs(expected) * 1e-15));
    }

    private static void AssertClose(double actual, double expected, double input)
    {
        if (double.IsInfinity(expected) || expected == 0)
        {
            Assert.That(actual, Is.EqualTo(expected), $"input {input}");
            return;
        }

        Assert.That(Math.Abs(actual - expected) / Math.Abs(expected), Is.LessThan(1e-14), $"input {input}");
    }
}
