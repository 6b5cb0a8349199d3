namespace NexOS.Core.Processes;

/// <summary>What a supervisor does when a service ends.</summary>
public enum RestartPolicy
{
    /// <summary>Start it again, with back-off.</summary>
    Always,

    /// <summary>Leave it ended.</summary>
    Never,

    /// <summary>Start it again, with back-off, only when it ended with a code other than 0
    /// (a service that finds nothing to do, such as no device, ends with 0 and stays ended).</summary>
    OnFailure,
}

/// <summary>A capability a service gets: a name init knows (one of its own, or an endpoint
/// the manifest declares) and the rights to keep.</summary>
public readonly record struct CapabilityGrant(string Name, ulong Rights, ulong Badge = 0, bool Optional = false);

/// <summary>One service of the manifest.</summary>
public sealed record ServiceEntry(string Name, string Program, RestartPolicy Restart, IReadOnlyList<CapabilityGrant> Capabilities);

/// <summary>
/// The service manifest init reads from the boot archive (etc/services). One statement per
/// line; '#' starts a comment:
/// <code>
/// endpoint &lt;name&gt;
/// notification &lt;name&gt;
/// service &lt;name&gt; &lt;program&gt; [restart=always|never|on-failure] [caps=&lt;cap&gt;[,&lt;cap&gt;...]]
/// </code>
/// A cap is a name with an optional right list after a colon: <c>console:receive</c>,
/// <c>kernel</c> (every right the holder has). Rights: send, receive, grant, signal, wait.
/// A badge may follow, <c>files:send+grant@2</c>: the service gets a copy with that badge, by
/// which the endpoint's server tells it from its other clients. A trailing '?' makes a cap
/// optional (<c>screen?</c>): a service gets it only when init holds it; optional caps come
/// last, so the others' slots do not depend on them.
/// Names are letters, digits, '.', '-' and '_', at most 32 characters. Parsing checks
/// everything (unknown words, duplicate names, capabilities that name nothing declared or
/// known, more than 64 services or 16 capabilities each) and reports the first problem with
/// its line number; nothing is started from a manifest with an error.
/// </summary>
public sealed class ServiceManifest
{
    public const int MaxServices = 64;
    public const int MaxCapabilities = 16;
    public const int MaxName = 32;
    public const int MaxBytes = 64 * 1024;

    /// <summary>Right bits, as NexOS.Abi.CapabilityRights and the kernel number them.</summary>
    public const ulong Send = 1, Receive = 2, Grant = 4, Signal = 8, Wait = 16, AllRights = 31;

    private ServiceManifest(List<string> endpoints, List<string> notifications, List<ServiceEntry> services)
    {
        Endpoints = endpoints;
        Notifications = notifications;
        Services = services;
    }

    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>Notifications init makes, by which one service signals another (a network
    /// driver wakes the stack).</summary>
    public IReadOnlyList<string> Notifications { get; }

    public IReadOnlyList<ServiceEntry> Services { get; }

    /// <summary>Parses <paramref name="text"/>; <paramref name="known"/> are the capability
    /// names the supervisor holds besides the declared endpoints. Returns null and a
    /// one-line reason ("line 3: ...") on the first error.</summary>
    public static ServiceManifest? Parse(string text, IReadOnlyCollection<string> known, out string error)
    {
        error = string.Empty;
        if (text.Length > MaxBytes)
        {
            error = $"the manifest has {text.Length} characters; at most {MaxBytes}";
            return null;
        }

        var endpoints = new List<string>();
        var notifications = new List<string>();
        var services = new List<ServiceEntry>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i];
            int hash = line.IndexOf('#');
            string[] words = (hash >= 0 ? line[..hash] : line).Split(new[] { ' ', '\t', '\r' }, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            string? problem = words[0] switch
            {
                "endpoint" => ParseObject(words, endpoints, notifications, services),
                "notification" => ParseObject(words, notifications, endpoints, services),
                "service" => ParseService(words, [.. endpoints, .. notifications], services, known),
                _ => $"unknown statement '{Cut(words[0])}' (endpoint, notification or service)",
            };
            if (problem != null)
            {
                error = $"line {i + 1}: {problem}";
                return null;
            }
        }

        return new ServiceManifest(endpoints, notifications, services);
    }

    // An endpoint or a notification: a name not declared before as either, nor a service's.
    private static string? ParseObject(string[] words, List<string> objects, List<string> others, List<ServiceEntry> services)
    {
        if (words.Length != 2)
        {
            return $"usage: {words[0]} <name>";
        }

        if (!IsName(words[1]))
        {
            return $"'{Cut(words[1])}' is not a name (letters, digits, '.', '-', '_'; at most {MaxName})";
        }

        if (objects.Contains(words[1]) || others.Contains(words[1]) || services.Exists(s => s.Name == words[1]))
        {
            return $"'{words[1]}' is declared twice";
        }

        objects.Add(words[1]);
        return null;
    }

    private static string? ParseService(string[] words, List<string> endpoints, List<ServiceEntry> services, IReadOnlyCollection<string> known)
    {
        if (words.Length < 3)
        {
            return "usage: service <name> <program> [restart=always|never|on-failure] [caps=<cap>,...]";
        }

        if (!IsName(words[1]) || !IsName(words[2]))
        {
            return $"'{Cut(words[1])} {Cut(words[2])}': service and program must be names";
        }

        if (services.Exists(s => s.Name == words[1]) || services.Count == MaxServices)
        {
            return services.Count == MaxServices ? $"more than {MaxServices} services" : $"service '{words[1]}' is declared twice";
        }

        var restart = RestartPolicy.Always;
        var caps = new List<CapabilityGrant>();
        for (int w = 3; w < words.Length; w++)
        {
            string word = words[w];
            if (word == "restart=always" || word == "restart=never" || word == "restart=on-failure")
            {
                restart = word == "restart=always" ? RestartPolicy.Always : word == "restart=never" ? RestartPolicy.Never : RestartPolicy.OnFailure;
            }
            else if (word.StartsWith("caps=", StringComparison.Ordinal))
            {
                foreach (string cap in word[5..].Split(','))
                {
                    string? problem = ParseCapability(cap, endpoints, known, caps);
                    if (problem != null)
                    {
                        return problem;
                    }
                }
            }
            else
            {
                return $"unknown option '{Cut(word)}' (restart=always|never|on-failure, caps=...)";
            }
        }

        services.Add(new ServiceEntry(words[1], words[2], restart, caps));
        return null;
    }

    private static string? ParseCapability(string text, List<string> endpoints, IReadOnlyCollection<string> known, List<CapabilityGrant> caps)
    {
        bool optional = text.EndsWith('?');
        text = optional ? text[..^1] : text;
        if (!optional && caps.Count > 0 && caps[^1].Optional)
        {
            return $"'{Cut(text)}' follows an optional capability: optional ones (name?) come last, so the others keep their slots";
        }

        ulong badge = 0;
        int at = text.IndexOf('@');
        if (at >= 0)
        {
            if (!ulong.TryParse(text.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out badge) || badge == 0)
            {
                return $"'{Cut(text[at..])}' is not a badge (@ and a number from 1)";
            }

            text = text[..at];
        }

        int colon = text.IndexOf(':');
        string name = colon < 0 ? text : text[..colon];
        if (!endpoints.Contains(name) && !Contains(known, name))
        {
            return $"capability '{Cut(name)}' is neither a declared endpoint or notification nor one init holds";
        }

        ulong rights = AllRights;
        if (colon >= 0)
        {
            rights = 0;
            foreach (string right in text[(colon + 1)..].Split('+'))
            {
                ulong bit = right switch
                {
                    "send" => Send,
                    "receive" => Receive,
                    "grant" => Grant,
                    "signal" => Signal,
                    "wait" => Wait,
                    _ => 0,
                };
                if (bit == 0)
                {
                    return $"'{Cut(right)}' is not a right (send, receive, grant, signal, wait)";
                }

                rights |= bit;
            }
        }

        if (caps.Count == MaxCapabilities)
        {
            return $"more than {MaxCapabilities} capabilities for one service";
        }

        caps.Add(new CapabilityGrant(name, rights, badge, optional));
        return null;
    }

    private static bool Contains(IReadOnlyCollection<string> names, string name)
    {
        foreach (string n in names)
        {
            if (n == name)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsName(string s)
    {
        if (s.Length == 0 || s.Length > MaxName)
        {
            return false;
        }

        foreach (char c in s)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static string Cut(string s) => s.Length <= 40 ? s : s[..40] + "...";
}
