namespace NexOS.Services.Shell;

/// <summary>What a byte fed to <see cref="LineEditor"/> completed.</summary>
public enum LineEditorResultKind
{
    /// <summary>Nothing yet: keep feeding.</summary>
    None,

    /// <summary>A line was entered; <see cref="LineEditorResult.Text"/> holds it.</summary>
    Line,

    /// <summary>The line was abandoned with Ctrl-C.</summary>
    Cancelled,

    /// <summary>The line was entered but cannot be used; <see cref="LineEditorResult.Text"/>
    /// holds the reason.</summary>
    Rejected,

    /// <summary>A masked line was entered; it is not in the result but in
    /// <see cref="LineEditor.Secret"/>, until the editor wipes it.</summary>
    Secret,
}

/// <summary>The result of <see cref="LineEditor.Feed"/>: a kind, and the line or the reason.</summary>
public readonly struct LineEditorResult
{
    /// <summary>The reason given for a line longer than <see cref="LineEditor.MaxLineBytes"/>.</summary>
    public const string TooLongReason = "line too long (max 4096 bytes)";

    /// <summary>The reason given for a line holding control bytes or invalid UTF-8.</summary>
    public const string GarbageReason = "line contains control or non-text bytes";

    private readonly string? _text;

    private LineEditorResult(LineEditorResultKind kind, string? text)
    {
        Kind = kind;
        _text = text;
    }

    /// <summary>The result of a byte that completes nothing.</summary>
    public static LineEditorResult None => default;

    /// <summary>The result of Ctrl-C.</summary>
    public static LineEditorResult Cancelled => new(LineEditorResultKind.Cancelled, null);

    /// <summary>The result of a masked line entered; it carries no text.</summary>
    public static LineEditorResult Secret => new(LineEditorResultKind.Secret, null);

    /// <summary>What happened.</summary>
    public LineEditorResultKind Kind { get; }

    /// <summary>The line for <see cref="LineEditorResultKind.Line"/>, the reason for
    /// <see cref="LineEditorResultKind.Rejected"/>, and "" otherwise.</summary>
    public string Text => _text ?? "";

    /// <summary>A complete line, without its line terminator.</summary>
    public static LineEditorResult Line(string text) => new(LineEditorResultKind.Line, text);

    /// <summary>A line that was entered but refused, and why.</summary>
    public static LineEditorResult Rejected(string reason) => new(LineEditorResultKind.Rejected, reason);

    /// <inheritdoc/>
    public override string ToString()
    {
        // Spelled out: Enum.ToString needs reflection metadata the kernel does not carry.
        string kind = Kind switch
        {
            LineEditorResultKind.Line => "Line",
            LineEditorResultKind.Cancelled => "Cancelled",
            LineEditorResultKind.Rejected => "Rejected",
            LineEditorResultKind.Secret => "Secret",
            _ => "None",
        };
        return _text == null ? kind : kind + ": " + _text;
    }
}
