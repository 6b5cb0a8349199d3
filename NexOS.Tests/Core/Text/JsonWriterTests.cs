using System.Text;
using System.Text.Json;
using NexOS.Core.Text;

namespace NexOS.Tests.Core.Text;

[TestFixture]
public sealed class JsonWriterTests
{
    private static readonly string[] s_hostile =
    [
        "",
        "plain",
        "\"quoted\"",
        "back\\slash\\",
        "\\\"",
        "line\nbreak\rreturn\ttab\bback\fform",
        "\0nul\u0001\u001f\u007fdel",
        "caf\u00e9 \u00fc\u00df \u20ac \u2028\u2029",
        "\u65e5\u672c\u8a9e",
        "emoji \ud83d\ude00 pair",
        "</script><!--",
        "{\"not\":\"json\"}",
        new string('"', 300),
    ];

    private static string Escaped(string text)
    {
        var sb = new StringBuilder();
        JsonWriter.AppendString(sb, text);
        return sb.ToString();
    }

    [TestCaseSource(nameof(s_hostile))]
    public void EveryStringRoundTripsThroughAJsonReader(string text)
    {
        string json = Escaped(text);
        Assert.That(JsonSerializer.Deserialize<string>(json), Is.EqualTo(text));
    }

    [TestCaseSource(nameof(s_hostile))]
    public void TheOutputIsPrintableAscii(string text)
    {
        foreach (char c in Escaped(text))
        {
            Assert.That(c, Is.InRange(' ', '~'), $"in the escape of {text}");
        }
    }

    [Test]
    public void TheShortEscapesAreUsedWhereJsonHasThem()
    {
        Assert.That(Escaped("a\"b\\c\nd\re\tf\bg\fh"), Is.EqualTo("\"a\\\"b\\\\c\\nd\\re\\tf\\bg\\fh\""));
        Assert.That(Escaped("\u0001\u007f\u00e9"), Is.EqualTo("\"\\u0001\\u007f\\u00e9\""));
        Assert.That(Escaped("/"), Is.EqualTo("\"/\""));
    }

    [Test]
    public void UnpairedSurrogatesBecomeTheReplacementCharacter()
    {
        Assert.That(Escaped("a\ud800b"), Is.EqualTo("\"a\\ufffdb\""));
        Assert.That(Escaped("\udc00"), Is.EqualTo("\"\\ufffd\""));
        Assert.That(Escaped("\ud83d"), Is.EqualTo("\"\\ufffd\""));
        Assert.That(Escaped("\ude00\ud83d"), Is.EqualTo("\"\\ufffd\\ufffd\""));
        Assert.That(Escaped("\ud83d\ud83d\ude00"), Is.EqualTo("\"\\ufffd\\ud83d\\ude00\""));
        Assert.That(JsonSerializer.Deserialize<string>(Escaped("x\ud800\udc00\udc00")), Is.EqualTo("x\ud800\udc00\ufffd"));
    }

    [Test]
    public void CommasAndNestingComeOutRight()
    {
        var sb = new StringBuilder();
        new JsonWriter(sb)
            .StartObject()
            .Property("n", 42L)
            .Property("big", ulong.MaxValue)
            .Property("neg", long.MinValue)
            .Property("on", true)
            .Property("name", "a\"b")
            .Property("none", (string?)null)
            .Name("empty").StartArray().EndArray()
            .Name("nested").StartObject().EndObject()
            .Name("list").StartArray()
            .Value(1L).Value("two").Null().Raw("{\"metric\":\"x\",\"value\":3}")
            .StartObject().Property("deep", false).Name("more").StartArray().Value(false).Value(true).EndArray().EndObject()
            .EndArray()
            .Property("last", 0UL)
            .EndObject();
        string json = sb.ToString();
        Assert.That(json, Is.EqualTo(
            "{\"n\":42,\"big\":18446744073709551615,\"neg\":-9223372036854775808,\"on\":true,\"name\":\"a\\\"b\",\"none\":null," +
            "\"empty\":[],\"nested\":{},\"list\":[1,\"two\",null,{\"metric\":\"x\",\"value\":3},{\"deep\":false,\"more\":[false,true]}],\"last\":0}"));
        using JsonDocument doc = JsonDocument.Parse(json);
        Assert.That(doc.RootElement.GetProperty("list").GetArrayLength(), Is.EqualTo(5));
    }

    [Test]
    public void HostileNamesAreEscapedToo()
    {
        var sb = new StringBuilder();
        new JsonWriter(sb).StartObject().Property("k\"\\\n\u00e9", "v").EndObject();
        using JsonDocument doc = JsonDocument.Parse(sb.ToString());
        Assert.That(doc.RootElement.GetProperty("k\"\\\n\u00e9").GetString(), Is.EqualTo("v"));
    }

    [Test]
    public void ATopLevelArrayOfObjectsIsValid()
    {
        var sb = new StringBuilder();
        JsonWriter w = new JsonWriter(sb).StartArray();
        for (int i = 0; i < 3; i++)
        {
            w.StartObject().Property("i", (long)i).EndObject();
        }

        w.EndArray();
        Assert.That(sb.ToString(), Is.EqualTo("[{\"i\":0},{\"i\":1},{\"i\":2}]"));
    }
}
