using System.Linq;
using System.Text;
using NexOS.Net.Http;

namespace NexOS.Tests.Net;

[TestFixture]
public sealed class HttpTests
{
    private static (HttpParse Result, HttpRequest? Request, int Status) Parse(string text)
    {
        HttpParse result = HttpRequestParser.TryParse(Encoding.ASCII.GetBytes(text), out HttpRequest? request, out int status);
        return (result, request, status);
    }

    [Test]
    public void AGetIsReadWithItsPathAndConnection()
    {
        (HttpParse result, HttpRequest? r, _) = Parse("GET /api/state?x=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: */*\r\n\r\n");
        Assert.That(result, Is.EqualTo(HttpParse.Complete));
        Assert.That((r!.Method, r.Path, r.KeepAlive), Is.EqualTo(("GET", "/api/state", true)));
        Assert.That(Parse("HEAD / HTTP/1.0\r\n\r\n").Request, Is.EqualTo(new HttpRequest("HEAD", "/index.html", false, 19)));
        Assert.That(Parse("GET / HTTP/1.1\r\nConnection: close\r\n\r\n").Request!.KeepAlive, Is.False);
    }

    [Test]
    public void AnUnfinishedHeadAsksForMore()
    {
        Assert.That(Parse("GET / HTTP/1.1\r\nHost: x\r\n").Result, Is.EqualTo(HttpParse.Incomplete));
        Assert.That(Parse("GET /").Result, Is.EqualTo(HttpParse.Incomplete));
    }

    [TestCase("POST / HTTP/1.1\r\n\r\n", 405)]
    [TestCase("GET / HTTP/2.0\r\n\r\n", 505)]
    [TestCase("GET / FTP/1.0\r\n\r\n", 400)]
    [TestCase("GET index.html HTTP/1.1\r\n\r\n", 400)]
    [TestCase("G(T / HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET / HTTP/1.1\r\nNo colon here\r\n\r\n", 400)]
    [TestCase("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello", 400)]
    [TestCase("GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", 400)]
    [TestCase("GET /../etc/services HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET /%2e%2e/etc/services HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET /a/%2E%2E/b HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET /a%2fb/..%5c HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET /a\\b HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET /%00 HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET /%zz HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET //etc HTTP/1.1\r\n\r\n", 400)]
    [TestCase("GET /.hidden/x HTTP/1.1\r\n\r\n", 400)]
    public void BadRequestsGetTheirStatus(string text, int status)
    {
        (HttpParse result, _, int got) = Parse(text);
        Assert.That((result, got), Is.EqualTo((HttpParse.Error, status)));
    }

    [Test]
    public void OversizedRequestsAreRefusedBeforeTheyEnd()
    {
        Assert.That(Parse("GET /" + new string('a', 3000)).Status, Is.EqualTo(414), "a target too long, its line unfinished");
        Assert.That(Parse("GET /" + new string('a', 2100) + " HTTP/1.1\r\n\r\n").Status, Is.EqualTo(414));
        Assert.That(Parse("GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Repeat("X-A: b\r\n", 2000))).Status, Is.EqualTo(431), "a head that never ends");
        Assert.That(Parse("GET / HTTP/1.1\r\n" + string.Concat(Enumerable.Repeat("X-A: b\r\n", 70)) + "\r\n").Status, Is.EqualTo(431), "too many fields");
        Assert.That(Parse("BREW /pot HTCPCP/1.0\r\n").Status, Is.EqualTo(400), "a bad request line is refused without waiting for the rest");
    }

    [Test]
    public void RandomBytesNeverThrow()
    {
        var random = new Random(3);
        byte[] seed = Encoding.ASCII.GetBytes("GET /index.html HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n");
        for (int i = 0; i < 20_000; i++)
        {
            byte[] data = (byte[])seed.Clone();
            for (int f = random.Next(1, 6); f > 0; f--)
            {
                data[random.Next(data.Length)] = (byte)random.Next(256);
            }

            HttpParse result = HttpRequestParser.TryParse(data.AsSpan(0, random.Next(data.Length + 1)), out HttpRequest? request, out int status);
            Assert.That(result != HttpParse.Error || status >= 400, Is.True);
            if (request != null)
            {
                Assert.That(request.Path, Does.Not.Contain(".."));
                Assert.That(request.Path, Does.StartWith("/"));
            }
        }
    }

    [Test]
    public void ResponsesCarryTheirLengthAndType()
    {
        string head = Encoding.ASCII.GetString(HttpResponse.Head(200, HttpResponse.ContentType("/app.js"), 42, keepAlive: false));
        Assert.That(head, Does.StartWith("HTTP/1.1 200 OK\r\n").And.Contain("Content-Length: 42\r\n").And.Contain("text/javascript").And.EndWith("Connection: close\r\n\r\n"));
        Assert.That(Encoding.ASCII.GetString(HttpResponse.Error(404)), Does.StartWith("HTTP/1.1 404 Not Found").And.EndWith("\r\n\r\n404 Not Found\n"));
    }
}
