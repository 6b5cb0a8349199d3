namespace NexOS.Services.Shell;

/// <summary>Runs a command. <paramref name="args"/> holds the words after the command's name;
/// output goes through <paramref name="host"/>.</summary>
public delegate void ShellCommandHandler(IShellHost host, ReadOnlySpan<string> args);

/// <summary>A command the shell knows: its name, a one-line summary for help, and its handler.</summary>
public sealed record ShellCommand(string Name, string Summary, ShellCommandHandler Handler);
