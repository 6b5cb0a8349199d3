namespace NexOS.PatchTool;

/// <summary>A policy method (or its assembly) that cannot become a patch; the message is the
/// one-line reason the tool prints.</summary>
public sealed class PolicyRejectedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PolicyRejectedException(string message)
        : base(message)
    {
    }
}
