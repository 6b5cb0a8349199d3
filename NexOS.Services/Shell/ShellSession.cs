namespace NexOS.Services.Shell;

/// <summary>
/// An interactive session on a terminal: bytes in, echo and command output out. It feeds
/// each byte to a <see cref="LineEditor"/>, runs each complete line in the
/// <see cref="Shell"/>, reports a rejected line as one "error: reason" line, and shows the
/// prompt again after every line, cancellation and rejection. No input byte makes it throw.
/// </summary>
public sealed class ShellSession
{
    /// <summary>Creates a session around <paramref name="shell"/>, echoing through its host.</summary>
    public ShellSession(Shell shell)
    {
        Shell = shell;
        Editor = new LineEditor(shell.Host.Write);
    }

    /// <summary>The interpreter that runs the lines.</summary>
    public Shell Shell { get; }

    /// <summary>The editor that assembles the lines.</summary>
    public LineEditor Editor { get; }

    /// <summary>Shows the first prompt. Call once, before the first <see cref="Feed(byte)"/>.</summary>
    public void Start() => Shell.Host.Write(Shell.Prompt);

    /// <summary>Takes one byte from the terminal.</summary>
    public void Feed(byte b)
    {
        LineEditorResult result = Editor.Feed(b);
        switch (result.Kind)
        {
            case LineEditorResultKind.Line:
                Shell.Execute(result.Text);
                break;
            case LineEditorResultKind.Rejected:
                Shell.Host.Write("error: " + result.Text + "\n");
                break;
            case LineEditorResultKind.Cancelled:
                break;
            default:
                return;
        }

        Shell.Host.Write(Shell.Prompt);
    }

    /// <summary>Takes several bytes from the terminal, in order.</summary>
    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
        {
            Feed(b);
        }
    }
}
