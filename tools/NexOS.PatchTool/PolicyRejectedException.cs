namespace NexOS.PatchTool;

/// <summary>A policy method (or its assembly) that cannot become a patch; the message is the
/// one-line reason the tool prints. Names read from a corrupt assembly can hold any character,
/// so control characters in the message become '?' to keep it one printable line.</summary>
public sealed class PolicyRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PolicyRejectedException(string message)
        : base(NexOS.Security.External.PatchInbox.OneLine(message))
    {
    }
}
