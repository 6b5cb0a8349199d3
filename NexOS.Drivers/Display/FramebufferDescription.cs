using System.Globalization;

namespace NexOS.Drivers.Display;

/// <summary>
/// The screen the kernel hands the console service, as the one argument
/// `fb=KIND:WIDTHxHEIGHT:PITCH:BPP:OFFSET[:RP.RS.GP.GS.BP.BS]`: KIND is `ega` (text cells) or
/// `rgb` (a linear framebuffer), OFFSET (hex) is where it starts in its first page, and the
/// optional last part gives each colour channel's bit position and size as the multiboot2
/// framebuffer tag states them. Without it a framebuffer is taken as x8r8g8b8 (24 and 32
/// bits), the layout GRUB and firmware set.
/// </summary>
public readonly record struct FramebufferDescription(bool IsText, FramebufferFormat Format, ulong Offset)
{
    /// <summary>Parses <paramref name="text"/>; false for anything malformed (sizes that are
    /// not numbers or are out of range, a kind it does not know, a colour part that is not six
    /// small numbers). The format is not checked for drawability here: the surface does that.</summary>
    public static bool TryParse(string text, out FramebufferDescription description)
    {
        description = default;
        string[] parts = text.StartsWith("fb=", StringComparison.Ordinal) ? text[3..].Split(':') : [];
        string[] size = parts.Length is 5 or 6 ? parts[1].Split('x') : [];
        if (size.Length != 2 || (parts[0] != "ega" && parts[0] != "rgb")
            || !Number(size[0], 1, 8192, out int width) || !Number(size[1], 1, 8192, out int height)
            || !Number(parts[2], 1, 1 << 20, out int pitch) || !Number(parts[3], 1, 32, out int bpp)
            || !ulong.TryParse(parts[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong offset) || offset > 0xFFF)
        {
            return false;
        }

        byte[] channels = bpp == 16 ? [11, 5, 5, 6, 0, 5] : [16, 8, 8, 8, 0, 8];
        if (parts.Length == 6)
        {
            string[] c = parts[5].Split('.');
            if (c.Length != 6)
            {
                return false;
            }

            for (int i = 0; i < 6; i++)
            {
                if (!Number(c[i], 0, 32, out int v))
                {
                    return false;
                }

                channels[i] = (byte)v;
            }
        }

        var format = new FramebufferFormat(width, height, pitch, bpp, channels[0], channels[1], channels[2], channels[3], channels[4], channels[5]);
        description = new FramebufferDescription(parts[0] == "ega", format, offset);
        return true;
    }

    private static bool Number(string s, int min, int max, out int value) =>
        int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
