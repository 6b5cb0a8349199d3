using System.IO;
using System.Linq;
using NexOS.Core.Processes;

namespace NexOS.Tests.Core.Processes;

/// <summary>The service manifest init reads: what it accepts, and a clear line-numbered error
/// for everything it does not.</summary>
[TestFixture]
public sealed class ServiceManifestTests
{
    // The capabilities init holds (user/init/Program.cs).
    private static readonly string[] s_known = { "bootfiles", "kernel", "com1.ports", "com1.irq", "com2.ports", "com2.irq", "patches", "klog", "devauth", "kstate", "kbd.data", "kbd.ctl", "kbd.irq", "screen" };

    [Test]
    public void TheShippedManifestParses()
    {
        string text = File.ReadAllText(Path.Combine(TestContext.CurrentContext.TestDirectory, "..", "..", "..", "..", "user", "etc", "services"));
        ServiceManifest? manifest = ServiceManifest.Parse(text, s_known, out string error);
        Assert.That(manifest, Is.Not.Null, error);
        Assert.That(manifest!.Endpoints, Is.EqualTo(new[] { "console", "devices", "disk", "disk1", "disk2", "disk3", "files", "state", "nic", "net" }));
        Assert.That(manifest.Notifications, Is.EqualTo(new[] { "netwake" }));
        Assert.That(manifest.Services.Select(s => s.Name), Is.EqualTo(new[] { "console", "patchline", "devmgr", "fs", "net", "httpd", "patchnet", "keeper", "shell" }));
        Assert.That(manifest.Services[1].Restart, Is.EqualTo(RestartPolicy.OnFailure), "no second UART: it ends with 0 and stays ended");
        ServiceEntry console = manifest.Services[0];
        Assert.That(console.Restart, Is.EqualTo(RestartPolicy.Always));
        Assert.That(console.Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("com1.ports", ServiceManifest.AllRights),
            new CapabilityGrant("com1.irq", ServiceManifest.AllRights),
            new CapabilityGrant("console", ServiceManifest.Receive),
            new CapabilityGrant("klog", ServiceManifest.AllRights),
            new CapabilityGrant("kbd.data", ServiceManifest.AllRights),
            new CapabilityGrant("kbd.ctl", ServiceManifest.AllRights),
            new CapabilityGrant("kbd.irq", ServiceManifest.AllRights),
            new CapabilityGrant("screen", ServiceManifest.AllRights, 0, Optional: true),
        }), "the console drives the serial line, the keyboard and, when there is one, the screen");
        Assert.That(manifest.Services[2].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("devauth", ServiceManifest.AllRights),
            new CapabilityGrant("devices", ServiceManifest.Receive | ServiceManifest.Send),
            new CapabilityGrant("disk", ServiceManifest.Receive),
            new CapabilityGrant("disk1", ServiceManifest.Receive),
            new CapabilityGrant("disk2", ServiceManifest.Receive),
            new CapabilityGrant("disk3", ServiceManifest.Receive),
            new CapabilityGrant("nic", ServiceManifest.Receive),
            new CapabilityGrant("netwake", ServiceManifest.Signal),
        }), "the device manager alone holds the device authority; it mints driver capabilities from its endpoint and hands each disk endpoint to a disk's driver, and the nic endpoint and the stack's wake notification (signal only) to the network driver");
        Assert.That(manifest.Services[3].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("disk", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("files", ServiceManifest.Receive),
            new CapabilityGrant("devices", ServiceManifest.Send),
            new CapabilityGrant("disk1", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("disk2", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("disk3", ServiceManifest.Send | ServiceManifest.Grant),
        }), "the file system may ask the device manager, without a grant right, so it cannot list or start anything");
        Assert.That(manifest.Services[4].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("net", ServiceManifest.Receive),
            new CapabilityGrant("nic", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("netwake", ServiceManifest.Wait),
            new CapabilityGrant("devices", ServiceManifest.Send),
        }), "the network stack serves net, calls the driver, waits on its wake notification and may only ask the device manager");
        Assert.That(manifest.Services[5].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("net", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("bootfiles", ServiceManifest.Wait),
            new CapabilityGrant("kstate", ServiceManifest.Wait),
        }), "the dashboard's server reads the boot archive and the kernel's state, and cannot change either");
        Assert.That(manifest.Services[6].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("net", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("patches", ServiceManifest.AllRights),
        }), "patches over the network reach the same inbox as those of the serial line");
        Assert.That(manifest.Services[7].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("kstate", ServiceManifest.AllRights),
            new CapabilityGrant("files", ServiceManifest.Send | ServiceManifest.Grant, 1),
            new CapabilityGrant("state", ServiceManifest.Receive),
        }), "the state keeper alone holds the kernel's state, and has its own open files");
        Assert.That(manifest.Services[8].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("console", ServiceManifest.Send),
            new CapabilityGrant("kernel", ServiceManifest.AllRights),
            new CapabilityGrant("devices", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("files", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("state", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("disk", ServiceManifest.Send | ServiceManifest.Grant),
            new CapabilityGrant("net", ServiceManifest.Send | ServiceManifest.Grant),
        }), "the shell may grant the device manager, the file system, the keeper, the disk driver (for diskbench) and the network service buffers, and holds no device");
    }

    [Test]
    public void CommentsBlankLinesRightsAndPoliciesAreRead()
    {
        const string text = "# a comment\n\n  endpoint log # trailing\r\nservice a prog restart=never caps=log:send+receive,kernel\n";
        ServiceManifest? manifest = ServiceManifest.Parse(text, s_known, out string error);
        Assert.That(manifest, Is.Not.Null, error);
        Assert.That(manifest!.Services[0].Restart, Is.EqualTo(RestartPolicy.Never));
        Assert.That(manifest.Services[0].Capabilities[0].Rights, Is.EqualTo(ServiceManifest.Send | ServiceManifest.Receive));
        Assert.That(manifest.Services[0].Program, Is.EqualTo("prog"));
    }

    [Test]
    public void ABadgeFollowsTheRights()
    {
        ServiceManifest? manifest = ServiceManifest.Parse("endpoint files\nservice a prog caps=files:send+grant@42,files@7\n", s_known, out string error);
        Assert.That(manifest, Is.Not.Null, error);
        Assert.That(manifest!.Services[0].Capabilities, Is.EqualTo(new[]
        {
            new CapabilityGrant("files", ServiceManifest.Send | ServiceManifest.Grant, 42),
            new CapabilityGrant("files", ServiceManifest.AllRights, 7),
        }));
    }

    [Test]
    public void OptionalCapabilitiesComeLast()
    {
        ServiceManifest? manifest = ServiceManifest.Parse("service a prog caps=kernel,screen?\n", s_known, out string error);
        Assert.That(manifest, Is.Not.Null, error);
        Assert.That(manifest!.Services[0].Capabilities[1], Is.EqualTo(new CapabilityGrant("screen", ServiceManifest.AllRights, 0, true)));
        Assert.That(ServiceManifest.Parse("service a prog caps=screen?,kernel\n", s_known, out error), Is.Null);
        Assert.That(error, Does.Contain("optional ones (name?) come last"));
    }

    [TestCase("files@0")]
    [TestCase("files@")]
    [TestCase("files@-1")]
    [TestCase("files@x")]
    [TestCase("files:send@1@2")]
    [TestCase("files@99999999999999999999999")]
    public void ABadBadgeIsRefused(string cap)
    {
        Assert.That(ServiceManifest.Parse($"endpoint files\nservice a prog caps={cap}\n", s_known, out string error), Is.Null);
        Assert.That(error, Does.Contain("badge"));
    }

    [TestCase("restart=always", RestartPolicy.Always)]
    [TestCase("restart=never", RestartPolicy.Never)]
    [TestCase("restart=on-failure", RestartPolicy.OnFailure)]
    public void RestartPoliciesAreRead(string option, RestartPolicy expected)
    {
        ServiceManifest? manifest = ServiceManifest.Parse($"service a prog {option}\n", s_known, out string error);
        Assert.That(manifest, Is.Not.Null, error);
        Assert.That(manifest!.Services[0].Restart, Is.EqualTo(expected));
    }

    [Test]
    public void AnUnknownRestartPolicyIsRefusedWithItsLine()
    {
        Assert.That(ServiceManifest.Parse("service a prog restart=sometimes\n", s_known, out string error), Is.Null);
        Assert.That(error, Does.Contain("line 1").And.Contain("restart=sometimes"));
    }

    [TestCase("launch x", "line 1: unknown statement 'launch'")]
    [TestCase("endpoint", "line 1: usage: endpoint <name>")]
    [TestCase("endpoint a b", "line 1: usage: endpoint <name>")]
    [TestCase("endpoint a/b", "line 1: 'a/b' is not a name")]
    [TestCase("endpoint e\nendpoint e", "line 2: 'e' is declared twice")]
    [TestCase("service s", "line 1: usage: service")]
    [TestCase("service s p caps=nothing", "line 1: capability 'nothing' is neither a declared endpoint or notification nor one init holds")]
    [TestCase("notification", "line 1: usage: notification <name>")]
    [TestCase("endpoint e\nnotification e", "line 2: 'e' is declared twice")]
    [TestCase("notification n\nendpoint n", "line 2: 'n' is declared twice")]
    [TestCase("service s p caps=kernel:fly", "line 1: 'fly' is not a right")]
    [TestCase("service s p caps=kernel:", "line 1: '' is not a right")]
    [TestCase("service s p restart=sometimes", "line 1: unknown option 'restart=sometimes'")]
    [TestCase("service s p\nservice s q", "line 2: service 's' is declared twice")]
    [TestCase("service s ../p", "line 1: '")]
    [TestCase("caps=console endpoint console", "line 1: unknown statement")]
    public void BadManifestsAreRefusedWithTheLineAndReason(string text, string error)
    {
        Assert.That(ServiceManifest.Parse(text, s_known, out string reason), Is.Null);
        Assert.That(reason, Does.StartWith(error));
    }

    [Test]
    public void NotificationsAreDeclaredAndGivenWithTheirRights()
    {
        ServiceManifest? manifest = ServiceManifest.Parse("notification wake\nservice a p caps=wake:signal\nservice b q caps=wake:wait", s_known, out string error);
        Assert.That(manifest, Is.Not.Null, error);
        Assert.That((manifest!.Notifications, manifest.Endpoints), Is.EqualTo((new[] { "wake" }, Array.Empty<string>())));
        Assert.That(manifest.Services[0].Capabilities[0], Is.EqualTo(new CapabilityGrant("wake", ServiceManifest.Signal)));
        Assert.That(manifest.Services[1].Capabilities[0], Is.EqualTo(new CapabilityGrant("wake", ServiceManifest.Wait)));
    }

    [Test]
    public void AnEndpointMustBeDeclaredBeforeItIsGiven()
    {
        Assert.That(ServiceManifest.Parse("service s p caps=late\nendpoint late", s_known, out string error), Is.Null);
        Assert.That(error, Does.StartWith("line 1: capability 'late'"));
    }

    [Test]
    public void LimitsAreEnforced()
    {
        string many = string.Concat(Enumerable.Range(0, ServiceManifest.MaxServices + 1).Select(i => $"service s{i} p\n"));
        Assert.That(ServiceManifest.Parse(many, s_known, out string error), Is.Null);
        Assert.That(error, Does.Contain($"more than {ServiceManifest.MaxServices} services"));

        string caps = "service s p caps=" + string.Join(",", Enumerable.Repeat("kernel", ServiceManifest.MaxCapabilities + 1));
        Assert.That(ServiceManifest.Parse(caps, s_known, out error), Is.Null);
        Assert.That(error, Does.Contain($"more than {ServiceManifest.MaxCapabilities} capabilities"));

        Assert.That(ServiceManifest.Parse(new string('#', ServiceManifest.MaxBytes + 1), s_known, out error), Is.Null);
        Assert.That(ServiceManifest.Parse("endpoint " + new string('a', ServiceManifest.MaxName + 1), s_known, out error), Is.Null);
    }

    [Test]
    public void RandomBytesNeverThrow([Values(1, 2, 3)] int seed)
    {
        var random = new Random(seed);
        const string alphabet = "endpoint service caps= restart=always:send+,#\n \tabc.-_/\0\u00e9";
        for (int i = 0; i < 2000; i++)
        {
            char[] text = new char[random.Next(200)];
            for (int c = 0; c < text.Length; c++)
            {
                text[c] = alphabet[random.Next(alphabet.Length)];
            }

            ServiceManifest? manifest = ServiceManifest.Parse(new string(text), s_known, out string error);
            Assert.That(manifest != null || error.StartsWith("line ", StringComparison.Ordinal), Is.True, error);
        }
    }

    [Test]
    public void BackoffDoublesToItsCeilingAndResetsAfterAStableRun()
    {
        var backoff = new RestartBackoff();
        var delays = Enumerable.Range(0, 8).Select(_ => backoff.NextDelay(1_000_000)).ToArray();
        Assert.That(delays[0], Is.EqualTo(RestartBackoff.FirstDelayNs));
        Assert.That(delays[1], Is.EqualTo(2 * RestartBackoff.FirstDelayNs));
        Assert.That(delays[^1], Is.EqualTo(RestartBackoff.MaxDelayNs));
        Assert.That(backoff.NextDelay(RestartBackoff.StableNs), Is.EqualTo(RestartBackoff.FirstDelayNs));
        Assert.That(backoff.Restarts, Is.EqualTo(9));
    }
}
