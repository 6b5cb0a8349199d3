using System.Text;
using NexOS.Abi;
using NexOS.Core.Processes;
using NexOS.UserLib;

namespace NexOS.Programs.Init;

/// <summary>
/// init: reads the service manifest (etc/services in the boot archive), creates its
/// endpoints and notifications, starts each service with exactly the capabilities the manifest gives it, and
/// starts a service that ends again after a back-off (<see cref="RestartBackoff"/>). It learns
/// of ends through one notification: each service's end raises its own bit. The kernel gives
/// init its capabilities in slots 1 to 4: boot files, kernel commands, COM1's ports and COM1's
/// interrupt line.
/// </summary>
public static class Program
{
    private const int BootFiles = 1;
    private const string ManifestFile = "etc/services";

    private static readonly Dictionary<string, int> s_slots = new()
    {
        ["bootfiles"] = 1,
        ["kernel"] = 2,
        ["com1.ports"] = 3,
        ["com1.irq"] = 4,
        ["com2.ports"] = 5,
        ["com2.irq"] = 6,
        ["patches"] = 7,
        ["klog"] = 8,
        ["devauth"] = 9,
        ["kstate"] = 10,
        ["kbd.data"] = 11,
        ["kbd.ctl"] = 12,
        ["kbd.irq"] = 13,
        ["screen"] = 14,
    };

    public static int Main(string[] args)
    {
        byte[]? text = Children.ReadBootFile(BootFiles, ManifestFile, out SyscallStatus read);
        if (text == null)
        {
            Log.WriteLine($"init: cannot read {ManifestFile} from the boot archive (status {(int)read})");
            return 1;
        }

        ServiceManifest? manifest = ServiceManifest.Parse(Encoding.UTF8.GetString(text), s_slots.Keys, out string error);
        if (manifest == null)
        {
            Log.WriteLine($"init: {ManifestFile}: {error}");
            return 1;
        }

        foreach (string endpoint in manifest.Endpoints)
        {
            long slot = Ipc.CreateEndpoint();
            if (slot < 0)
            {
                Log.WriteLine($"init: no endpoint for {endpoint} (status {-slot})");
                return 1;
            }

            s_slots[endpoint] = (int)slot;
        }

        foreach (string name in manifest.Notifications)
        {
            long slot = Ipc.CreateNotification();
            if (slot < 0)
            {
                Log.WriteLine($"init: no notification for {name} (status {-slot})");
                return 1;
            }

            s_slots[name] = (int)slot;
        }

        long ends = Ipc.CreateNotification();
        if (ends < 0)
        {
            Log.WriteLine("init: no notification for the services' ends");
            return 1;
        }

        // The kernel describes the screen it handed over (slot 14) as init's argument fb=...;
        // a service given the screen gets that argument too.
        string? screen = null;
        foreach (string arg in args)
        {
            screen = arg.StartsWith("fb=", StringComparison.Ordinal) ? arg : screen;
        }

        var supervisor = new Supervisor(manifest.Services, s_slots, (int)ends, screen);
        supervisor.Run();
        return 0;
    }
}
