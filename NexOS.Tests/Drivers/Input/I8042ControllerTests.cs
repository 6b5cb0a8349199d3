using NexOS.Drivers.Input;

namespace NexOS.Tests.Drivers.Input;

[TestFixture]
public sealed class I8042ControllerTests
{
    [Test]
    public void SetsUpControllerAndKeyboard()
    {
        var fake = new FakeI8042();
        fake.Output.Enqueue(0x1E); // a stale scancode from before
        var controller = new I8042Controller(fake);
        Assert.That(controller.Initialize(), Is.EqualTo(I8042Status.Ok));
        Assert.That(fake.Config & 0x73, Is.EqualTo(0x61), "IRQ1 and translation on, IRQ12 off, port 1 clock on, port 2 clock off");
        Assert.That(controller.ConfigByte, Is.EqualTo(fake.Config));
        Assert.That(fake.Port1Enabled, Is.True);
        Assert.That(fake.KeyboardReceived, Is.EqualTo(new byte[] { 0xFF, 0xF3, I8042Controller.DefaultTypematic, 0xF4 }));
        Assert.That(fake.Output, Is.Empty);
    }

    [Test]
    public void RetriesWhenTheKeyboardAsksForAResend()
    {
        var fake = new FakeI8042 { ResendsToSend = 2 };
        Assert.That(new I8042Controller(fake).Initialize(), Is.EqualTo(I8042Status.Ok));
        Assert.That(fake.KeyboardReceived[..3], Is.EqualTo(new byte[] { 0xFF, 0xFF, 0xFF }));
    }

    [Test]
    public void ReportsEachKindOfFault()
    {
        Assert.That(new I8042Controller(new FakeI8042 { Absent = true }).Initialize(), Is.EqualTo(I8042Status.NoController));
        Assert.That(new I8042Controller(new FakeI8042 { InputStuckFull = true }).Initialize(), Is.EqualTo(I8042Status.Timeout));
        Assert.That(new I8042Controller(new FakeI8042 { SelfTestResult = 0xFC }).Initialize(), Is.EqualTo(I8042Status.ControllerSelfTestFailed));
        Assert.That(new I8042Controller(new FakeI8042 { PortTestResult = 0x01 }).Initialize(), Is.EqualTo(I8042Status.PortTestFailed));
        Assert.That(new I8042Controller(new FakeI8042 { KeyboardPresent = false }).Initialize(), Is.EqualTo(I8042Status.KeyboardNotResponding));
        Assert.That(new I8042Controller(new FakeI8042 { ResendsToSend = 5 }).Initialize(), Is.EqualTo(I8042Status.KeyboardNotResponding));
        Assert.That(new I8042Controller(new FakeI8042 { KeyboardResetResult = 0xFC }).Initialize(), Is.EqualTo(I8042Status.KeyboardSelfTestFailed));
    }

    [Test]
    public void SetLedsSendsTheCommandAndReadsData()
    {
        var fake = new FakeI8042();
        var controller = new I8042Controller(fake);
        Assert.That(controller.Initialize(), Is.EqualTo(I8042Status.Ok));
        fake.KeyboardReceived.Clear();
        Assert.That(controller.SetLeds(KeyboardLeds.CapsLock | KeyboardLeds.NumLock), Is.True);
        Assert.That(fake.KeyboardReceived, Is.EqualTo(new byte[] { 0xED, 0x06 }));
        Assert.That(controller.TryReadData(out _), Is.False);
        fake.Output.Enqueue(0x1E);
        Assert.That(controller.TryReadData(out byte b) && b == 0x1E, Is.True);
        fake.KeyboardPresent = false;
        Assert.That(controller.SetLeds(KeyboardLeds.None), Is.False);
    }

    [Test]
    public void AKeyTypedWhileTheLedsAreSetIsHandedOnNotLost()
    {
        var fake = new FakeI8042();
        var controller = new I8042Controller(fake);
        Assert.That(controller.Initialize(), Is.EqualTo(I8042Status.Ok));
        fake.KeyboardReceived.Clear();
        fake.Output.Enqueue(0x1E); // 'a' pressed just before the command
        var typed = new List<byte>();
        Assert.That(controller.SetLeds(KeyboardLeds.CapsLock, typed.Add), Is.True);
        Assert.That(typed, Is.EqualTo(new byte[] { 0x1E }));
        Assert.That(fake.KeyboardReceived, Is.EqualTo(new byte[] { 0xED, 0x04 }));

        for (int i = 0; i < I8042Controller.MaxInterleaved + 1; i++)
        {
            fake.Output.Enqueue(0x1E);
        }

        typed.Clear();
        Assert.That(controller.SetLeds(KeyboardLeds.None, typed.Add), Is.False, "a flood without an acknowledgement is bounded");
        Assert.That(typed, Has.Count.EqualTo(I8042Controller.MaxInterleaved));
    }
}
