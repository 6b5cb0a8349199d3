namespace NexOS.Services.Shell;

/// <summary>
/// An interactive session on a terminal: bytes in, echo and command output out. It feeds
/// each byte to a <see cref="LineEditor"/>, runs each complete line in the
/// <see cref="ICommandRunner"/> (the <see cref="Shell"/> itself, or the ring-3 shell's link
/// to the kernel's commands), reports a rejected line as one "error: reason" line, and shows the
/// prompt again after every line, cancellation and rejection. When a command asks for a
/// secret (<see cref="Shell.AskSecret"/>) it shows that request's prompt instead and reads the
/// next line masked: the line goes to the request's handler, never to the shell, the echo or
/// any string, and is wiped once the handler returns. No input byte makes it throw.
/// </summary>
public sealed class ShellSession
{
    private SecretRequest? _secret;

    /// <summary>Creates a session around <paramref name="shell"/>, echoing through its host.</summary>
    public ShellSession(ICommandRunner shell)
    {
        Shell = shell;
        Editor = new LineEditor(shell.Write);
    }

    /// <summary>What runs the lines.</summary>
    public ICommandRunner Shell { get; }

    /// <summary>The editor that assembles the lines.</summary>
    public LineEditor Editor { get; }

    /// <summary>True while the next line entered will be read as a secret.</summary>
    public bool IsReadingSecret => _secret != null;

    /// <summary>Shows the first prompt. Call once, before the first <see cref="Feed(byte)"/>.</summary>
    public void Start() => Shell.Write(Shell.Prompt);

    /// <summary>Takes one byte from the terminal.</summary>
    public void Feed(byte b)
    {
        LineEditorResult result = Editor.Feed(b);
        switch (result.Kind)
        {
            case LineEditorResultKind.Line:
                Shell.Execute(result.Text);
                _secret = Shell.TakeSecretRequest();
                break;
            case LineEditorResultKind.Secret:
                _secret = HandSecretOver();
                break;
            case LineEditorResultKind.Rejected:
                Shell.Write("error: " + result.Text + "\n");
                DropSecret();
                break;
            case LineEditorResultKind.Cancelled:
                DropSecret();
                break;
            default:
                return;
        }

        // The command just run, or the secret's handler, may have asked for a secret.
        if (_secret != null)
        {
            Editor.MaskNextLine();
            Shell.Write(_secret.Prompt);
            return;
        }

        Shell.Write(Shell.Prompt);
    }

    /// <summary>Takes several bytes from the terminal, in order.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            Feed(b);
        }
    }

    /// <summary>Gives the secret to the handler waiting for it, wipes it, and returns the
    /// handler's own request for another secret, if it made one.</summary>
    private SecretRequest? HandSecretOver()
    {
        SecretRequest? request = _secret;
        _secret = null;

        // Only a request the handler makes counts, not one left over from elsewhere.
        Shell.TakeSecretRequest();
        try
        {
            // Without a request (someone masked the editor directly) the line is only wiped.
            if (request != null)
            {
                Shell.AnswerSecret(request, Editor.Secret);
            }
        }
        finally
        {
            Editor.Reset();
        }

        return Shell.TakeSecretRequest();
    }

    private void DropSecret()
    {
        if (_secret != null)
        {
            Shell.Write(_secret.Cancelled + "\n");
            _secret = null;
        }
    }
}
