using System.Linq;
using NexOS.Drivers.Display;

namespace NexOS.Tests.Drivers.Display;

[TestFixture]
public sealed class Font8x16Tests
{
    [Test]
    public void EveryPrintableGlyphIsDrawnAndDistinct()
    {
        var seen = new Dictionary<string, char>();
        for (char c = ' '; c <= '~'; c++)
        {
            byte[] rows = Font8x16.Glyph(c).ToArray();
            Assert.That(rows, Has.Length.EqualTo(16));
            int lit = 0;
            foreach (byte r in rows)
            {
                lit += System.Numerics.BitOperations.PopCount(r);
            }

            Assert.That(lit == 0, Is.EqualTo(c == ' '), $"'{c}' blank only for space");
            string key = Convert.ToHexString(rows);
            Assert.That(seen.ContainsKey(key), Is.False, $"'{c}' looks like '{(seen.TryGetValue(key, out char o) ? o : ' ')}'");
            seen[key] = c;
        }

        Assert.That(seen.ContainsKey(Convert.ToHexString(Font8x16.UnknownGlyph)), Is.False, "the box differs from every character");
    }

    [Test]
    public void TheRightColumnIsTheGapAndCharactersOutsideGetTheBox()
    {
        for (char c = ' '; c <= '~'; c++)
        {
            foreach (byte r in Font8x16.Glyph(c))
            {
                Assert.That(r & 1, Is.Zero, $"'{c}'");
            }
        }

        Assert.That(Font8x16.Glyph('\u00E9').SequenceEqual(Font8x16.UnknownGlyph), Is.True);
        Assert.That(Font8x16.Glyph('\x7F').SequenceEqual(Font8x16.UnknownGlyph), Is.True);
        Assert.That(Font8x16.Glyph('\x1F').SequenceEqual(Font8x16.UnknownGlyph), Is.True);
    }

    [Test]
    public void LettersSitOnTheBaselineAndDescendersGoBelow()
    {
        foreach (char c in "ABHxz")
        {
            Assert.That(Font8x16.Glyph(c)[11], Is.Not.Zero, $"'{c}' reaches the baseline row");
            Assert.That(Font8x16.Glyph(c)[12], Is.Zero, $"'{c}' stops there");
        }

        foreach (char c in "gjpqy")
        {
            Assert.That(Font8x16.Glyph(c)[13], Is.Not.Zero, $"'{c}' descends");
        }

        Assert.That(Font8x16.Glyph('x')[4], Is.Zero, "lower case starts at the x-height");
        Assert.That(Font8x16.Glyph('H')[2], Is.Not.Zero, "capitals start at row 2");
    }
}
