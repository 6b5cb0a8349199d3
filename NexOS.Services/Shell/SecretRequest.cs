namespace NexOS.Services.Shell;

/// <summary>Takes a secret line typed at a prompt. <paramref name="secret"/> holds its UTF-8
/// bytes (valid UTF-8, no control characters) and is wiped as soon as the handler returns, so
/// the handler copies out only what must be kept; output goes through <paramref name="host"/>.</summary>
public delegate void SecretHandler(IShellHost host, ReadOnlySpan<byte> secret);

/// <summary>
/// A command's request, made through <see cref="Shell.AskSecret"/>, that the next line be read
/// as a secret: the prompt shown for it, the line written when it is cancelled or unusable
/// (without its "\n"), and the handler that takes it.
/// </summary>
public sealed record SecretRequest(string Prompt, string Cancelled, SecretHandler Handler);
