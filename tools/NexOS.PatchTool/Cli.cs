using System.IO;
using NexOS.Security.Policy;

namespace NexOS.PatchTool;

/// <summary>The command line of nexos-patch, separate from Main so tests can run it in-process.</summary>
public static class Cli
{
    /// <summary>The usage text.</summary>
    public const string Usage =
        "usage: nexos-patch build <policy.dll> <Type.Method> <hook> --author NAME [-o FILE] [--reason TEXT]\n"
        + "                         [--gain-metric NAME] [--gain-bp N] [--id N] [--key FILE --key-id N]\n"
        + "                         [--level permissive|standard|strict|paranoid]\n"
        + "       nexos-patch send <file.patch> --socket PATH | --tcp HOST:PORT [--timeout SECONDS]";

    /// <summary>Runs one command; returns the exit status.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return args.Length > 0 && args[0] == "build" ? Build(args, output)
                : args.Length > 0 && args[0] == "send" ? Send(args, output, error)
                : UsageError(error, "expected 'build' or 'send'");
        }
        catch (UsageException e)
        {
            return UsageError(error, e.Message);
        }
        catch (PolicyRejectedException e)
        {
            error.WriteLine("nexos-patch: rejected: " + e.Message);
            return 1;
        }
        catch (Exception e) when (e is IOException or TimeoutException or UnauthorizedAccessException)
        {
            error.WriteLine("nexos-patch: " + e.Message);
            return 3;
        }
    }

    private static int Build(string[] args, TextWriter output)
    {
        var words = new List<string>();
        var flags = Flags(args, 1, words, "-o", "--author", "--reason", "--gain-metric", "--gain-bp", "--id", "--key", "--key-id", "--level");
        if (words.Count != 3)
        {
            throw new UsageException("build needs <policy.dll> <Type.Method> <hook>");
        }

        if (flags.ContainsKey("--key") != flags.ContainsKey("--key-id"))
        {
            throw new UsageException("--key and --key-id go together");
        }

        var options = new PatchBuildOptions
        {
            AssemblyPath = words[0],
            Method = words[1],
            Hook = words[2],
            Author = flags.GetValueOrDefault("--author") ?? throw new UsageException("--author NAME is required"),
            Reason = flags.GetValueOrDefault("--reason") ?? string.Empty,
            GainMetric = flags.GetValueOrDefault("--gain-metric") ?? string.Empty,
            ExpectedGainBp = (int)Number(flags, "--gain-bp", int.MinValue, int.MaxValue),
            PatchId = (ulong)Number(flags, "--id", 0, long.MaxValue),
            KeyFile = flags.GetValueOrDefault("--key"),
            KeyId = (uint)Number(flags, "--key-id", 0, uint.MaxValue),
            Level = Level(flags.GetValueOrDefault("--level") ?? "standard"),
        };
        byte[] patch = PatchBuilder.Build(options);
        string path = flags.GetValueOrDefault("-o") ?? Path.ChangeExtension(Path.GetFileName(words[0]), null) + "." + words[1] + ".patch";
        File.WriteAllBytes(path, patch);
        output.WriteLine($"wrote {path}: {patch.Length} bytes, {options.Method} for {options.Hook}, verified: a kernel at {PolicyNames.Name(options.Level)} accepts it");
        return 0;
    }

    private static SecurityLevel Level(string name)
        => PolicyNames.TryParseLevel(name, out SecurityLevel level) ? level
            : throw new UsageException($"--level: '{name}' is not one of permissive, standard, strict, paranoid");

    private static int Send(string[] args, TextWriter output, TextWriter error)
    {
        var words = new List<string>();
        var flags = Flags(args, 1, words, "--socket", "--tcp", "--timeout");
        if (words.Count != 1)
        {
            throw new UsageException("send needs one patch file");
        }

        string? socket = flags.GetValueOrDefault("--socket");
        string? tcp = flags.GetValueOrDefault("--tcp");
        if ((socket == null) == (tcp == null))
        {
            throw new UsageException("send needs --socket PATH (the serial line) or --tcp HOST:PORT (the network), one of them");
        }

        (string Host, int Port)? target = tcp == null ? null : Target(tcp);

        TimeSpan timeout = TimeSpan.FromSeconds(Number(flags, "--timeout", 1, 3600, 30));
        byte[] patch = File.ReadAllBytes(words[0]);
        if (patch.Length > Security.External.PatchFrame.MaxPayload)
        {
            throw new PolicyRejectedException($"{words[0]} is {patch.Length} bytes; a patch is at most {Security.External.PatchFrame.MaxPayload}");
        }

        PatchReply reply = target is (string host, int port) ? PatchClient.SendOverTcp(host, port, patch, timeout) : PatchClient.SendOverSocket(socket!, patch, timeout);
        foreach (string note in reply.Notes)
        {
            error.WriteLine("nexos-patch: kernel: " + note);
        }

        output.WriteLine(reply.Verdict);
        return reply.Accepted ? 0 : 1;
    }

    private static (string Host, int Port) Target(string target)
    {
        int colon = target.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(target.AsSpan(colon + 1), out int port) || port is < 1 or > 65535)
        {
            throw new UsageException($"--tcp takes HOST:PORT, not '{target}'");
        }

        return (target[..colon], port);
    }

    private static Dictionary<string, string> Flags(string[] args, int start, List<string> words, params string[] known)
    {
        var flags = new Dictionary<string, string>();
        for (int i = start; i < args.Length; i++)
        {
            if (args[i].StartsWith('-') && args[i].Length > 1)
            {
                if (Array.IndexOf(known, args[i]) < 0)
                {
                    throw new UsageException($"unknown option {args[i]}");
                }

                if (i + 1 >= args.Length)
                {
                    throw new UsageException($"{args[i]} needs a value");
                }

                flags[args[i]] = args[++i];
            }
            else
            {
                words.Add(args[i]);
            }
        }

        return flags;
    }

    private static long Number(Dictionary<string, string> flags, string name, long min, long max, long fallback = 0)
    {
        if (!flags.TryGetValue(name, out string? text))
        {
            return fallback;
        }

        return long.TryParse(text, out long value) && value >= min && value <= max
            ? value
            : throw new UsageException($"{name} must be a whole number from {min} to {max}");
    }

    private static int UsageError(TextWriter error, string message)
    {
        error.WriteLine("nexos-patch: " + message);
        error.WriteLine(Usage);
        return 2;
    }

    private sealed class UsageException : Exception
    {
        public UsageException(string message)
            : base(message)
        {
        }
    }
}
