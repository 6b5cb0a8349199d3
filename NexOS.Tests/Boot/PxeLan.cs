using System.Diagnostics;
using System.IO;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;

namespace NexOS.Tests.Boot;

/// <summary>
/// A LAN of the test's own, inside two network namespaces with no route out: in the "lan"
/// namespace a bridge (192.168.77.2/24, the PXE server's address) joins the tap device QEMU's
/// card is on and a veth pair to the "dhcp" namespace, where 192.168.77.1 runs dnsmasq as the
/// LAN's ordinary DHCP server (addresses only, as a home router would). The test runs
/// `./nexos pxe` in the lan namespace and serves its tree with the dnsmasq.conf it wrote:
/// proxy DHCP and TFTP, beside that server. Dispose stops both servers and deletes both
/// namespaces, whatever happened.
/// </summary>
internal sealed class PxeLan : IDisposable
{
    public const string ServerAddress = "192.168.77.2";
    public const string DhcpServerAddress = "192.168.77.1";
    public const string TapName = "tap0";
    private const string Prefix = "nexos-pxe-";
    private static readonly TimeSpan s_tool = TimeSpan.FromSeconds(30);
    private static int s_counter;

    private readonly List<(Process Process, StringBuilder Log, string Name)> _servers = [];
    private readonly List<string> _namespaces = [];

    private PxeLan(string directory)
    {
        Directory = directory;
        int id = Environment.ProcessId;
        int n = Interlocked.Increment(ref s_counter);
        LanNamespace = $"{Prefix}{id}-{n}-lan";
        DhcpNamespace = $"{Prefix}{id}-{n}-dhcp";
    }

    /// <summary>The namespace with the bridge, the tap device and the PXE server.</summary>
    public string LanNamespace { get; }

    public string DhcpNamespace { get; }

    /// <summary>Where `./nexos pxe` wrote the tree and its dnsmasq.conf.</summary>
    public string Directory { get; }

    public string ProxyLog => Log("proxy");

    public string DhcpLog => Log("dhcp");

    /// <summary>Checks that this machine can give a test its own LAN (root, /dev/net/tun, ip,
    /// dnsmasq), builds it, runs `./nexos pxe` in it and starts both servers. Fails the test
    /// with the exact reason when something cannot be done here.</summary>
    public static PxeLan Start()
    {
        CheckPrerequisites();
        RemoveStaleNamespaces();
        string directory = Path.Combine(Path.GetTempPath(), "nexos-pxe-tree-" + Guid.NewGuid().ToString("N"));
        var lan = new PxeLan(directory);
        try
        {
            lan.Build();
            return lan;
        }
        catch
        {
            lan.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        foreach ((Process process, _, _) in _servers)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    process.WaitForExit(5000);
                }
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }

            process.Dispose();
        }

        foreach (string name in _namespaces)
        {
            // Deleting a namespace removes its bridge, veth and tap devices with it.
            RunQuietly("ip", "netns", "del", name);
        }

        if (System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }

        File.Delete(Directory + ".leases");
    }

    /// <summary>Waits until a server's log matches <paramref name="pattern"/>.</summary>
    public void AwaitServerLog(string server, Regex pattern, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (!pattern.IsMatch(Log(server)))
        {
            if (DateTime.UtcNow > end)
            {
                Assert.Fail($"the {server} dnsmasq did not log /{pattern}/ within {timeout.TotalSeconds} s:\n{Log(server)}");
            }

            Thread.Sleep(100);
        }
    }

    private static void CheckPrerequisites()
    {
        if (Environment.UserName != "root")
        {
            Assert.Fail("the PXE test makes network namespaces and a tap device, which needs root (CAP_NET_ADMIN); ./nexos test runs as root in CI");
        }

        if (!File.Exists("/dev/net/tun"))
        {
            Assert.Fail("/dev/net/tun is missing: this machine cannot make tap devices, so QEMU cannot join the test's LAN");
        }

        foreach (string tool in new[] { "/usr/sbin/dnsmasq", "/usr/bin/ip" })
        {
            if (!File.Exists(tool) && !File.Exists("/bin/" + Path.GetFileName(tool)) && !File.Exists("/sbin/" + Path.GetFileName(tool)))
            {
                Assert.Fail($"{tool} is missing: ./nexos build installs dnsmasq-base and iproute2");
            }
        }
    }

    // Namespaces of test processes that no longer run (killed before their Dispose).
    private static void RemoveStaleNamespaces()
    {
        (int code, string output) = RunQuietly("ip", "netns", "list");
        if (code != 0)
        {
            return;
        }

        foreach (string line in output.Split('\n'))
        {
            Match m = Regex.Match(line, "^(" + Regex.Escape(Prefix) + @"(\d+)-\d+-(lan|dhcp))\b");
            if (m.Success && !System.IO.Directory.Exists($"/proc/{m.Groups[2].Value}"))
            {
                RunQuietly("ip", "netns", "del", m.Groups[1].Value);
            }
        }
    }

    private void Build()
    {
        string lan = LanNamespace, dhcp = DhcpNamespace;
        Ip("netns", "add", lan);
        _namespaces.Add(lan);
        Ip("netns", "add", dhcp);
        _namespaces.Add(dhcp);
        Ip("-n", lan, "link", "set", "lo", "up");
        Ip("-n", dhcp, "link", "set", "lo", "up");
        Ip("-n", lan, "link", "add", "br0", "type", "bridge");
        Ip("-n", lan, "link", "add", "veth0", "type", "veth", "peer", "name", "veth1", "netns", dhcp);
        Ip("-n", lan, "link", "set", "veth0", "master", "br0");
        Ip("-n", lan, "tuntap", "add", "dev", TapName, "mode", "tap");
        Ip("-n", lan, "link", "set", TapName, "master", "br0");
        Ip("-n", lan, "addr", "add", ServerAddress + "/24", "dev", "br0");
        Ip("-n", dhcp, "addr", "add", DhcpServerAddress + "/24", "dev", "veth1");
        foreach (string link in new[] { "br0", "veth0", TapName })
        {
            Ip("-n", lan, "link", "set", link, "up");
        }

        Ip("-n", dhcp, "link", "set", "veth1", "up");
        (int code, string routes) = RunQuietly("ip", "-n", lan, "route", "show", "default");
        Assert.That(code == 0 && routes.Trim().Length == 0, Is.True, $"the test's LAN must have no route out: {routes}");

        // The LAN's own DHCP server: addresses and a router, no boot information.
        StartServer("dhcp", dhcp, "--conf-file=/dev/null", "--interface=veth1", "--bind-interfaces", "--port=0",
            "--dhcp-range=192.168.77.100,192.168.77.150,255.255.255.0,1h",
            $"--dhcp-leasefile={Directory}.leases", "--log-dhcp");
        AwaitServerLog("dhcp", new Regex("DHCP, sockets bound exclusively to interface veth1"), s_tool);

        // ./nexos pxe in the LAN namespace: it finds br0's subnet by itself.
        BootEnvironment.Run("ip", TimeSpan.FromSeconds(120), "netns", "exec", lan, "bash",
            Path.Combine(BootEnvironment.RepoRoot(), "nexos"), "pxe", Directory, "--interface", "br0");
        string config = Path.Combine(Directory, "dnsmasq.conf");
        Assert.That(File.ReadAllText(config), Does.Contain("dhcp-range=192.168.77.0,proxy,255.255.255.0"));
        StartServer("proxy", lan, "--conf-file=" + config);
        AwaitServerLog("proxy", new Regex("TFTP root is " + Regex.Escape(Directory)), s_tool);
    }

    private void StartServer(string name, string netns, params string[] options)
    {
        var info = new ProcessStartInfo("ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "netns", "exec", netns, "dnsmasq", "--no-daemon", "--log-facility=-", "--pid-file=" })
        {
            info.ArgumentList.Add(a);
        }

        foreach (string option in options)
        {
            info.ArgumentList.Add(option);
        }

        var log = new StringBuilder();
        Process process = Process.Start(info) ?? throw new AssertionException("cannot start dnsmasq");
        DataReceivedEventHandler append = (_, e) =>
        {
            if (e.Data != null)
            {
                lock (log)
                {
                    log.Append(e.Data).Append('\n');
                }
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _servers.Add((process, log, name));
    }

    private string Log(string name)
    {
        foreach ((Process process, StringBuilder log, string server) in _servers)
        {
            if (server == name)
            {
                lock (log)
                {
                    return log.ToString() + (process.HasExited ? $"\n(dnsmasq exited with code {process.ExitCode})" : "");
                }
            }
        }

        return "";
    }

    private static void Ip(params string[] arguments) => BootEnvironment.Run("ip", s_tool, arguments);

    private static (int Code, string Output) RunQuietly(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using Process process = Process.Start(info)!;
        string output = process.StandardOutput.ReadToEnd();
        process.StandardError.ReadToEnd();
        process.WaitForExit(30_000);
        return (process.HasExited ? process.ExitCode : -1, output);
    }
}
