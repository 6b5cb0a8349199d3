namespace NexOS.Services.Shell;

/// <summary>
/// The NexOS command interpreter: a table of named commands and the code that splits a line
/// into words and runs the command the first word names. It starts with the built-in
/// commands (help, version, uptime, mem, echo, shutdown, reboot, panic); subsystems add their
/// own with <see cref="Register"/>. All output goes through the host.
/// </summary>
public sealed class Shell
{
    /// <summary>The prompt shown before each line.</summary>
    public const string PromptText = "nexos> ";

    /// <summary>The longest command name <see cref="Register"/> accepts.</summary>
    public const int MaxNameLength = 32;

    private readonly Dictionary<string, ShellCommand> _commands = new();

    /// <summary>Creates a shell with the built-in commands, writing through <paramref name="host"/>.</summary>
    public Shell(IShellHost host)
    {
        Host = host;
        BuiltinCommands.RegisterAll(this);
    }

    /// <summary>The prompt shown before each line.</summary>
    public string Prompt => PromptText;

    /// <summary>The system this shell runs on.</summary>
    public IShellHost Host { get; }

    /// <summary>
    /// Adds a command. Returns false, changing nothing, when <paramref name="name"/> is empty,
    /// longer than <see cref="MaxNameLength"/>, holds anything but printable ASCII other than
    /// space and double quote, or is already taken, or when the summary or handler is null.
    /// </summary>
    public bool Register(string name, string summary, ShellCommandHandler handler)
    {
        if (!IsValidName(name) || summary == null || handler == null || _commands.ContainsKey(name))
        {
            return false;
        }

        _commands[name] = new ShellCommand(name, summary, handler);
        return true;
    }

    /// <summary>True when a command called <paramref name="name"/> exists.</summary>
    public bool HasCommand(string name) => name != null && _commands.ContainsKey(name);

    /// <summary>Every command, sorted by name (ordinal order).</summary>
    public List<ShellCommand> Commands()
    {
        var list = new List<ShellCommand>(_commands.Count);
        foreach (ShellCommand command in _commands.Values)
        {
            list.Add(command);
        }

        list.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return list;
    }

    /// <summary>
    /// Runs one line. A blank line does nothing; a line with an unclosed quote writes
    /// "error: ..."; an unknown command writes exactly one line naming it. Exceptions a command
    /// throws are not caught: in the kernel they reach the unhandled-exception report, which
    /// is what the panic command relies on.
    /// </summary>
    public void Execute(string line)
    {
        if (line == null)
        {
            return;
        }

        var words = new List<string>();
        string? error = CommandLineTokenizer.Tokenize(line, words);
        if (error != null)
        {
            Host.Write("error: " + error + "\n");
            return;
        }

        if (words.Count == 0)
        {
            return;
        }

        if (!_commands.TryGetValue(words[0], out ShellCommand? command))
        {
            Host.Write("unknown command '" + words[0] + "'; type 'help'\n");
            return;
        }

        string[] all = words.ToArray();
        command.Handler(Host, all.AsSpan(1));
    }

    private static bool IsValidName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (char c in name)
        {
            if (c <= ' ' || c >= 0x7F || c == '"')
            {
                return false;
            }
        }

        return true;
    }
}
