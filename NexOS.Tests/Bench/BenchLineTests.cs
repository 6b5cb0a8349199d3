using NexOS.Bench;

namespace NexOS.Tests.Bench;

[TestFixture]
public class BenchLineTests
{
    [Test]
    public void ParsesTheKernelsShape()
    {
        BenchLine? b = BenchLine.TryParse("{\"bench\":\"ctx_switch\",\"unit\":\"ns\",\"median\":2869,\"p99\":16225,\"mean\":12122,\"max\":3969438,\"n\":2000}");
        Assert.That(b, Is.EqualTo(new BenchLine("ctx_switch", "ns", 2869, 16225, 3969438, 2000)));
    }

    [Test]
    public void IgnoresSerialNoiseAroundTheObject()
    {
        BenchLine? b = BenchLine.TryParse("\u001b[0m  {\"bench\":\"x\",\"unit\":\"ns\",\"median\":1,\"p99\":2,\"n\":3}\r");
        Assert.That(b?.Median, Is.EqualTo(1));
        Assert.That(b?.Count, Is.EqualTo(3));
    }

    [Test]
    public void KeepsAnErrorLineAsAnError()
    {
        BenchLine? b = BenchLine.TryParse("{\"bench\":\"ipc_roundtrip\",\"error\":\"3 bad replies\"}");
        Assert.That(b?.Error, Is.EqualTo("3 bad replies"));
        Assert.That(double.IsNaN(b!.Median));
    }

    [TestCase("")]
    [TestCase("NexOS 0.1.0 ready in 61 ms")]
    [TestCase("{\"bench\":\"x\",\"median\":")]
    [TestCase("{\"bench\":\"x\",\"unit\":\"ns\"}")]
    [TestCase("{\"bench\":\"\",\"median\":1,\"p99\":1}")]
    [TestCase("{\"bench\":\"x\",\"median\":\"fast\",\"p99\":1}")]
    public void RejectsWhatIsNotAFigure(string line) => Assert.That(BenchLine.TryParse(line), Is.Null);
}
