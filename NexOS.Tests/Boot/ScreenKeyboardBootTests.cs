namespace NexOS.Tests.Boot;

/// <summary>
/// The shell on the machine's own screen and keyboard, as on a PC without a serial cable:
/// keys pressed through QEMU's monitor (sendkey, the PS/2 keyboard) reach the shell exactly
/// as typed bytes from the serial line do, and what the console writes appears on the screen
/// (a screendump: text rows are 16 pixels high, whether GRUB left EGA text mode or a
/// framebuffer the console draws its 8x16 font on) as well as on the serial line.
/// </summary>
[TestFixture]
[Category("Boot")]
[NonParallelizable]
public sealed class ScreenKeyboardBootTests : BootFixture
{
    private const int TextRowPixels = 16;

    [Test]
    [CancelAfter(TestBudget)]
    public void KeysTypedOnTheKeyboardRunCommandsAndTheScreenShowsThem()
    {
        QemuMachine machine = Boot(new QemuOptions { Monitor = true });
        Assert.That(machine.Log, Does.Not.Contain("console: no PS/2 keyboard"));
        using QemuMonitor monitor = QemuMonitor.Connect(machine.MonitorSocketPath);
        (int width, int height, byte[] before) = monitor.Screendump(machine.FilePath("before.ppm"));
        Assert.That(width >= 640 && height >= 400, Is.True, $"a screen of {width} by {height}");
        int rowsBefore = InkedRows(before, width, height);
        Assert.That(rowsBefore, Is.GreaterThan(0), "the screen shows the prompt");

        monitor.TypeLine("echo typed on the keyboard");
        machine.WaitFor("echo typed on the keyboard\r\ntyped on the keyboard\r\n", s_command);
        monitor.SendKeys("shift-e", "c", "h", "o", "spc", "a", "shift-b", "ret");
        machine.WaitFor("Echo aB\r\n", s_command);
        machine.WaitFor(Prompt, s_command);

        // Caps lock toggles typing case and the LEDs (the keyboard acknowledges the command).
        monitor.SendKeys("caps_lock", "e", "c", "h", "o", "spc", "x", "caps_lock", "spc", "y", "ret");
        machine.WaitFor("ECHO X y\r\n", s_command);
        machine.WaitFor(Prompt, s_command);
        Assert.That(machine.Log, Does.Not.Contain("did not take its LED state"));

        (_, _, byte[] after) = monitor.Screendump(machine.FilePath("after.ppm"));
        Assert.That(InkedRows(after, width, height), Is.GreaterThanOrEqualTo(rowsBefore + 3),
            "the command, its output and the next prompt are on the screen");
        Assert.That(RunCommand(machine, "echo the serial line still works"), Is.EqualTo(new[] { "the serial line still works" }));
    }

    // Text rows with any pixel brighter than the background.
    private static int InkedRows(byte[] rgb, int width, int height)
    {
        int rows = 0;
        for (int row = 0; row < height / TextRowPixels; row++)
        {
            bool ink = false;
            for (int y = row * TextRowPixels; y < (row + 1) * TextRowPixels && !ink; y++)
            {
                for (int x = 0; x < width && !ink; x++)
                {
                    int i = ((y * width) + x) * 3;
                    ink = rgb[i] + rgb[i + 1] + rgb[i + 2] > 96;
                }
            }

            rows += ink ? 1 : 0;
        }

        return rows;
    }
}
