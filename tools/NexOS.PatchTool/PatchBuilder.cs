using System.IO;
using NexOS.Security.Cil;
using NexOS.Security.External;
using NexOS.Security.Patches;

namespace NexOS.PatchTool;

/// <summary>
/// Builds a patch from a policy method: translate the IL, verify it exactly as the kernel will
/// (<see cref="ExternalPatchCheck"/> with the default limits), then encode it with
/// <see cref="PatchWriter"/>, signed when a key is given. Every refusal is a
/// <see cref="PolicyRejectedException"/> with a one-line reason.
/// </summary>
public static class PatchBuilder
{
    /// <summary>Builds and returns the encoded patch.</summary>
    public static byte[] Build(PatchBuildOptions options)
    {
        HookSignature hook = ExternalHookCatalog.Find(options.Hook)
            ?? throw new PolicyRejectedException($"unknown hook '{options.Hook}' (known: {KnownHooks()})");
        if (string.IsNullOrWhiteSpace(options.Author))
        {
            throw new PolicyRejectedException("--author is required: every patch names the person responsible");
        }

        CilBody body;
        try
        {
            using PolicyAssembly assembly = PolicyAssembly.Open(options.AssemblyPath);
            body = IlTranslator.Translate(assembly, options.Method, hook);
        }
        catch (BadImageFormatException e)
        {
            throw new PolicyRejectedException($"{options.AssemblyPath} has corrupt metadata ({e.Message.TrimEnd('.')})");
        }

        VerificationResult verdict = ExternalPatchCheck.Verify(body, hook, CilLimits.Default);
        if (!verdict.IsOk)
        {
            throw new PolicyRejectedException($"verifier: {verdict}");
        }

        ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var provenance = new PatchProvenance(options.PatchId != 0 ? options.PatchId : now, now * 1_000_000, PatchOrigin.External,
            options.Author, options.Reason, options.GainMetric, options.ExpectedGainBp);
        Patch patch = Patch.ForCil(hook.Name, body, provenance);
        PatchSigningKey? key = options.KeyFile == null ? null : new PatchSigningKey(options.KeyId, ReadKey(options.KeyFile));
        if (!PatchWriter.TryWrite(patch, key, out byte[]? bytes, out PatchError error))
        {
            throw new PolicyRejectedException($"cannot encode the patch: {error.Message}");
        }

        return bytes;
    }

    /// <summary>Reads a key file: hex digits, whitespace ignored, at least 16 bytes.</summary>
    public static byte[] ReadKey(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyRejectedException($"cannot read key file {path}: {e.Message}");
        }

        var hex = new System.Text.StringBuilder();
        foreach (char c in text)
        {
            if (!char.IsWhiteSpace(c))
            {
                hex.Append(c);
            }
        }

        try
        {
            byte[] key = Convert.FromHexString(hex.ToString());
            return key.Length >= 16 ? key : throw new PolicyRejectedException($"key file {path} holds {key.Length} bytes; a key has at least 16");
        }
        catch (FormatException)
        {
            throw new PolicyRejectedException($"key file {path} is not hex digits");
        }
    }

    private static string KnownHooks()
    {
        var names = new List<string>();
        foreach (HookSignature hook in ExternalHookCatalog.All)
        {
            names.Add(hook.Name);
        }

        return string.Join(", ", names);
    }
}
