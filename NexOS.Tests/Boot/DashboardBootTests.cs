using System.IO;
using System.Threading;
using System.Threading.Tasks;
using System.Linq;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace NexOS.Tests.Boot;

/// <summary>
/// The network end to end, with traffic only on this machine: QEMU's user network with
/// restrict=on, the guest's port 80 forwarded from a loopback port of the host, and a guest
/// forward from 10.0.2.100:53 to the test's own DNS responder. NexOS leases its address,
/// resolves a name over TCP through the responder, and serves its dashboard to the host's curl
/// and to a headless Chromium, whose plots must draw and then update.
/// </summary>
[TestFixture]
[Category("Boot")]
public sealed class DashboardBootTests : BootFixture
{
    private static readonly TimeSpan s_network = TimeSpan.FromSeconds(40);

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static (int Code, string Output) Curl(params string[] args)
    {
        var info = new ProcessStartInfo("curl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { "-sS", "--max-time", "20" }.Concat(args))
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output);
    }

    [TestCase("virtio-net-pci", true)]
    [TestCase("e1000", false)]
    [CancelAfter(3 * TestBudget)]
    public void TheDashboardIsServedToCurlAndABrowserAndNamesResolveThroughTheTestsResponder(string nic, bool browse)
    {
        using var dns = new DnsResponder(new Dictionary<string, byte[]> { ["dash.nexos.test"] = [10, 0, 2, 15] });
        int http = FreePort();

        // A page on the host for the shell's HTTP client, behind a guest forward (which QEMU
        // connects at start, so it listens first; it answers one request).
        var web = new TcpListener(IPAddress.Loopback, 0);
        web.Start();
        int webPort = ((IPEndPoint)web.LocalEndpoint).Port;
        Task<string> served = Task.Run(() =>
        {
            using TcpClient client = web.AcceptTcpClient();
            NetworkStream s = client.GetStream();
            byte[] request = new byte[2048];
            int n = 0;
            while (n < request.Length && !System.Text.Encoding.ASCII.GetString(request, 0, n).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                int got = s.Read(request, n, request.Length - n);
                if (got == 0)
                {
                    break;
                }

                n += got;
            }

            string body = "hello from the host\n";
            s.Write(System.Text.Encoding.ASCII.GetBytes($"HTTP/1.0 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}"));
            return System.Text.Encoding.ASCII.GetString(request, 0, n);
        });
        QemuMachine machine = Boot(new QemuOptions
        {
            Nic = nic,
            Forwards = [$"hostfwd=tcp:127.0.0.1:{http}-:80", $"guestfwd=tcp:10.0.2.100:53-tcp:127.0.0.1:{dns.Port}", $"guestfwd=tcp:10.0.2.101:80-tcp:127.0.0.1:{webPort}"],
        });
        AwaitNetwork(machine, s_network);
        Assert.That(machine.Log, Does.Contain("httpd: serving the dashboard on port 80 (4 files)"));

        List<string> lookup = RunCommand(machine, "nslookup dash.nexos.test 10.0.2.100", s_network);
        Assert.That(lookup, Is.EqualTo(new[] { "dash.nexos.test: 10.0.2.15 (TTL 300 s)" }), "over TCP, after the UDP query went unanswered");
        Assert.That(RunCommand(machine, "nslookup nowhere.nexos.test 10.0.2.100", s_network), Is.EqualTo(new[] { "nslookup: nowhere.nexos.test: no such name" }));
        Assert.That(dns.Answered, Is.EqualTo(2));

        List<string> fetched = RunCommand(machine, "http http://10.0.2.101/hello", s_network);
        Assert.That(fetched, Has.Some.EqualTo("HTTP/1.0 200 OK").And.Some.EqualTo("hello from the host"), string.Join("\n", fetched));
        Assert.That(served.Wait(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(served.Result, Does.StartWith("GET /hello HTTP/1.0\r\nHost: 10.0.2.101\r\n"));
        web.Stop();
        Assert.That(RunCommand(machine, "http ftp://x/"), Is.EqualTo(new[] { "usage: http http://HOST[:PORT]/PATH" }));

        string base_ = $"http://127.0.0.1:{http}";
        (int code, string page) = Curl(base_ + "/");
        Assert.That(code, Is.Zero, page);
        Assert.That(page, Does.Contain("<title>NexOS dashboard</title>"));
        (code, string json) = Curl(base_ + "/api/state");
        Assert.That(code, Is.Zero, json);
        using (JsonDocument state = JsonDocument.Parse(json))
        {
            JsonElement root = state.RootElement;
            Assert.That(root.GetProperty("network").GetProperty("address").GetString(), Is.EqualTo("10.0.2.15/24"));
            Assert.That(root.GetProperty("kernel").GetProperty("metrics").GetArrayLength(), Is.Positive, json);
            Assert.That(root.GetProperty("kernel").GetProperty("audit").GetProperty("chain").GetString(), Is.EqualTo("intact"));
        }

        Assert.That(Curl("-o", "/dev/null", "-w", "%{http_code}", base_ + "/nothing-here").Output, Is.EqualTo("404"));
        Assert.That(Curl("-o", "/dev/null", "-w", "%{http_code}", "--path-as-is", base_ + "/../etc/services").Output, Is.EqualTo("400"), "nothing outside the document root");
        Assert.That(Curl("-o", "/dev/null", "-w", "%{http_code}", "--path-as-is", base_ + "/%2e%2e/etc/services").Output, Is.EqualTo("400"));
        Assert.That(Curl("-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", base_ + "/").Output, Is.EqualTo("405"));
        Assert.That(Curl("-o", "/dev/null", "-w", "%{http_code}", "-H", "X-Big: " + new string('a', 9000), base_ + "/").Output, Is.EqualTo("431"));

        // A client that connects and sends nothing holds a place for a few seconds at most;
        // meanwhile others are served.
        using (var idle = new TcpClient("127.0.0.1", http))
        {
            Assert.That(Curl("-o", "/dev/null", "-w", "%{http_code}", base_ + "/dashboard.css").Output, Is.EqualTo("200"));
        }

        if (browse)
        {
            Browse(base_);
        }

        Assert.That(RunCommand(machine, "ifconfig")[0], Is.EqualTo("eth0: 52:54:00:12:34:56, link up"), "the system carries on");
    }

    // Opens the page in a headless Chromium, waits until its plots have drawn twice, checks
    // that they update, and keeps a screenshot.
    private static void Browse(string url)
    {
        var options = new ChromeOptions { BinaryLocation = "/usr/bin/chromium" };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1400,1000", "--disable-dev-shm-usage");
        using var service = ChromeDriverService.CreateDefaultService("/usr/bin", "chromedriver");
        service.HideCommandPromptWindow = true;
        using var driver = new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
        driver.Navigate().GoToUrl(url + "/");
        var js = (IJavaScriptExecutor)driver;
        long Samples() => Convert.ToInt64(js.ExecuteScript("return Math.max(0, ...Array.from(document.querySelectorAll('canvas')).map(c => Number(c.dataset.samples)));"));
        long Updates() => Convert.ToInt64(js.ExecuteScript("return window.nexosDashboard ? window.nexosDashboard.updates : 0;"));
        DateTime end = DateTime.UtcNow.AddSeconds(40);
        while ((Updates() < 3 || Samples() < 2) && DateTime.UtcNow < end)
        {
            Thread.Sleep(250);
        }

        long samples = Samples();
        Assert.That(Updates(), Is.GreaterThanOrEqualTo(3), "the page fetched /api/state repeatedly");
        Assert.That(Convert.ToInt64(js.ExecuteScript("return document.querySelectorAll('canvas').length;")), Is.Positive, "plots were drawn");
        Assert.That(samples, Is.GreaterThanOrEqualTo(2));
        end = DateTime.UtcNow.AddSeconds(20);
        while (Samples() <= samples && DateTime.UtcNow < end)
        {
            Thread.Sleep(250);
        }

        Assert.That(Samples(), Is.GreaterThan(samples), "the plots update");
        Assert.That(driver.FindElement(By.Id("status")).Text, Is.EqualTo("live"));

        // NEXOS_DASHBOARD_SHOT=PATH keeps the page open for a minute of history first and
        // writes the screenshot there too (how docs/dashboard.png is made).
        string? keep = Environment.GetEnvironmentVariable("NEXOS_DASHBOARD_SHOT");
        if (!string.IsNullOrEmpty(keep))
        {
            Thread.Sleep(TimeSpan.FromSeconds(60));
        }

        string shot = Path.Combine(TestContext.CurrentContext.WorkDirectory, "dashboard.png");
        ((ITakesScreenshot)driver).GetScreenshot().SaveAsFile(shot);
        if (!string.IsNullOrEmpty(keep))
        {
            File.Copy(shot, keep, overwrite: true);
        }

        TestContext.AddTestAttachment(shot, "the dashboard in headless Chromium");
    }
}
