namespace NexOS.Services.Shell;

/// <summary>
/// The NexOS command interpreter: a table of named commands and the code that splits a line
/// into words and runs the command the first word names. It starts with the built-in
/// commands (help, version, uptime, mem, echo, shutdown, reboot, panic); subsystems add their
/// own with <see cref="Register"/>. All output goes through the host.
/// </summary>
public sealed class Shell : ICommandRunner
{
    /// <summary>The prompt shown before each line.</summary>
    public const string PromptText = "nexos> ";

    /// <summary>The longest command name <see cref="Register"/> accepts.</summary>
    public const int MaxNameLength = 32;

    private readonly Dictionary<string, ShellCommand> _commands = new();
    private SecretRequest? _secretRequest;

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

    /// <summary>Writes through the host.</summary>
    public void Write(string text) => Host.Write(text);

    /// <summary>Runs the request's handler with this shell's host.</summary>
    public void AnswerSecret(SecretRequest request, ReadOnlySpan<byte> secret)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Handler(Host, secret);
    }

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
    /// Asks for the next line to be read as a secret, for a command that needs one (a key, a
    /// password) which must not be typed on its command line, where it would be echoed. The
    /// <see cref="ShellSession"/> running the current line then shows <paramref name="prompt"/>
    /// instead of the shell's, reads the next line without echo and hands it to
    /// <paramref name="then"/> instead of running it; Ctrl-C or an unusable line writes
    /// <paramref name="cancelled"/> (one line, without its "\n") instead. Call it from a
    /// command's handler or from a <see cref="SecretHandler"/>, to ask again; a later call
    /// replaces an earlier one. Without a session the request is dropped at the next
    /// <see cref="Execute"/>.
    /// </summary>
    public void AskSecret(string prompt, string cancelled, SecretHandler then)
    {
        _secretRequest = new SecretRequest(prompt, cancelled, then);
    }

    /// <summary>Returns the request <see cref="AskSecret"/> made since the last call, if any,
    /// and forgets it.</summary>
    public SecretRequest? TakeSecretRequest()
    {
        SecretRequest? request = _secretRequest;
        _secretRequest = null;
        return request;
    }

    /// <summary>
    /// Runs one line. A blank line does nothing; a line with an unclosed quote writes
    /// "error: ..."; an unknown command writes exactly one line naming it. Exceptions a command
    /// throws are not caught: in the kernel they reach the unhandled-exception report, which
    /// is what the panic command relies on.
    /// </summary>
    public void Execute(string line)
    {
        // A request nobody took belonged to an earlier line; it must not capture this one's successor.
        _secretRequest = null;
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
