namespace NexOS.Services.Shell;

/// <summary>
/// What a <see cref="ShellSession"/> needs from whatever runs its lines: the kernel's own
/// <see cref="Shell"/>, or, in the shell program in ring 3, a runner that hands each line to
/// the kernel's command service.
/// </summary>
public interface ICommandRunner
{
    /// <summary>The prompt shown before each line.</summary>
    string Prompt { get; }

    /// <summary>Writes echo and messages to the terminal.</summary>
    void Write(string text);

    /// <summary>Runs one line; reports problems in its output, never by throwing.</summary>
    void Execute(string line);

    /// <summary>The secret the last command (or secret handler) asked for, taken away so that
    /// it is answered once; null when none is pending.</summary>
    SecretRequest? TakeSecretRequest();

    /// <summary>Hands <paramref name="secret"/> to the handler of <paramref name="request"/>.
    /// The caller wipes the bytes afterwards.</summary>
    void AnswerSecret(SecretRequest request, ReadOnlySpan<byte> secret);
}
