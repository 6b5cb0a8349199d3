using System.Text;
using NexOS.Security.Cil;
using NexOS.Security.Patches;

namespace NexOS.Security.External;

/// <summary>
/// The stand-in sink until the patch manager exists: it parses each submission with
/// <see cref="PatchReader"/>, checks that it is an external CIL patch for a hook in
/// <see cref="ExternalHookCatalog"/>, verifies the body with <see cref="ExternalPatchCheck"/>
/// and records the outcome in a ring of the last <see cref="Capacity"/> submissions (shown by
/// `patch inbox`). It applies nothing. Thread-safe: submissions and readers take one lock.
/// </summary>
public sealed class VerifyingPatchSink : IPatchSink
{
    /// <summary>How many submissions the inbox remembers.</summary>
    public const int Capacity = 32;

    /// <summary>Longest verdict, in characters; longer ones are cut.</summary>
    public const int MaxVerdictLength = 400;

    private readonly PatchInboxEntry?[] _entries = new PatchInboxEntry?[Capacity];
    private readonly object _gate = new();
    private readonly CilLimits _limits;
    private ulong _submitted;
    private ulong _accepted;

    /// <summary>Creates a sink that verifies with <paramref name="limits"/>.</summary>
    public VerifyingPatchSink(CilLimits limits)
    {
        _limits = limits;
    }

    /// <summary>Submissions since start.</summary>
    public ulong Submitted => _submitted;

    /// <summary>Submissions accepted since start.</summary>
    public ulong AcceptedCount => _accepted;

    /// <inheritdoc/>
    public bool Submit(ReadOnlySpan<byte> patchBytes, out string verdict)
    {
        bool accepted = Judge(patchBytes, out Patch? patch, out verdict);
        verdict = OneLine(verdict);
        lock (_gate)
        {
            _submitted++;
            if (accepted)
            {
                _accepted++;
            }

            var entry = new PatchInboxEntry(_submitted, patchBytes.Length, patch?.Provenance.PatchId ?? 0,
                patch == null ? "?" : OneLine(patch.Provenance.Source), patch == null ? "?" : OneLine(patch.Target), accepted, verdict);
            _entries[(int)((_submitted - 1) % Capacity)] = entry;
        }

        return accepted;
    }

    /// <summary>The remembered submissions, oldest first.</summary>
    public List<PatchInboxEntry> Snapshot()
    {
        var list = new List<PatchInboxEntry>(Capacity);
        lock (_gate)
        {
            ulong first = _submitted > Capacity ? _submitted - Capacity + 1 : 1;
            for (ulong seq = first; seq <= _submitted; seq++)
            {
                list.Add(_entries[(int)((seq - 1) % Capacity)]!);
            }
        }

        return list;
    }

    private bool Judge(ReadOnlySpan<byte> bytes, out Patch? patch, out string verdict)
    {
        if (!PatchReader.TryParse(bytes, out patch, out PatchError error))
        {
            verdict = "rejected: not a valid patch: " + error.Message;
            return false;
        }

        string id = "patch " + patch.Provenance.PatchId.ToString();
        if (patch.Provenance.Origin != PatchOrigin.External)
        {
            verdict = $"rejected: {id} claims origin {PatchNames.Name(patch.Provenance.Origin)}; patches from outside must say External";
            return false;
        }

        if (patch.Kind != PatchKind.Cil || patch.Cil == null)
        {
            verdict = $"rejected: {id} is a parameter patch; this port takes CIL policy patches";
            return false;
        }

        HookSignature? hook = ExternalHookCatalog.Find(patch.Target);
        if (hook == null)
        {
            verdict = $"rejected: {id} targets '{patch.Target}', which is not a patchable hook";
            return false;
        }

        VerificationResult result = ExternalPatchCheck.Verify(patch.Cil, hook, _limits);
        if (!result.IsOk)
        {
            verdict = $"rejected: {id} for {hook.Name}: {result}";
            return false;
        }

        string signature = patch.Signature == null ? "unsigned" : "signed with key " + patch.Signature.KeyId.ToString();
        verdict = $"verified: {id} for {hook.Name} from {patch.Provenance.Source} ({patch.Cil.Code.Length} bytes of IL, {signature})";
        return true;
    }

    /// <summary>Makes text safe for a one-line reply: control characters become '?', and
    /// anything past <see cref="MaxVerdictLength"/> is cut.</summary>
    public static string OneLine(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, MaxVerdictLength));
        foreach (char c in text)
        {
            if (sb.Length == MaxVerdictLength)
            {
                break;
            }

            sb.Append(c < ' ' || c == '\u007f' ? '?' : c);
        }

        return sb.ToString();
    }
}
