using System.IO;
using NexOS.Security.Cil;
using NexOS.Security.Evolution;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.PatchTool;

/// <summary>
/// Builds a patch from a policy method: translate the IL against the kernel's own hook
/// (<see cref="HookCatalog"/>), verify it exactly as the kernel's patch manager will at the
/// chosen security level (<see cref="PatchManager.VerifyBody"/>), then encode it with
/// <see cref="PatchWriter"/>, signed when a key is given. Every refusal is a
/// <see cref="PolicyRejectedException"/> with a one-line reason.
/// </summary>
public static class PatchBuilder
{
    /// <summary>Builds and returns the encoded patch.</summary>
    public static byte[] Build(PatchBuildOptions options)
    {
        PolicyHook hook = HookCatalog.Create(options.Hook)
            ?? throw new PolicyRejectedException($"unknown hook '{options.Hook}' (known: {KnownHooks()})");
        SecurityPolicy policy = SecurityPolicies.For(options.Level);
        if (!policy.CilAllowed)
        {
            throw new PolicyRejectedException($"{PolicyNames.Name(options.Level)}: CIL patches are not accepted at this level");
        }

        if (string.IsNullOrWhiteSpace(options.Author))
        {
            throw new PolicyRejectedException("--author is required: every patch names the person responsible");
        }

        CilBody body;
        try
        {
            using PolicyAssembly assembly = PolicyAssembly.Open(options.AssemblyPath);
            body = IlTranslator.Translate(assembly, options.Method, hook.Signature);
        }
        catch (Exception e) when (e is BadImageFormatException or OverflowException or InvalidCastException or ArgumentException or InvalidOperationException)
        {
            // What System.Reflection.Metadata throws on metadata that lies about itself
            // (handles of the wrong kind, sizes that overflow): the file is corrupt.
            throw new PolicyRejectedException($"{options.AssemblyPath} has corrupt metadata ({e.Message.TrimEnd('.')})");
        }

        if (PatchManager.VerifyBody(hook, body, policy.CilLoopsAllowed, policy.MaxCodeBytes, out string error) == null)
        {
            throw new PolicyRejectedException($"verifier ({PolicyNames.Name(options.Level)}): {error}");
        }

        ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var provenance = new PatchProvenance(options.PatchId != 0 ? options.PatchId : now, now * 1_000_000, PatchOrigin.External,
            options.Author, options.Reason, options.GainMetric, options.ExpectedGainBp);
        Patch patch = Patch.ForCil(hook.Name, body, provenance);
        PatchSigningKey? key = options.KeyFile == null ? null : new PatchSigningKey(options.KeyId, ReadKey(options.KeyFile));
        if (!PatchWriter.TryWrite(patch, key, out byte[]? bytes, out PatchError writeError))
        {
            throw new PolicyRejectedException($"cannot encode the patch: {writeError.Message}");
        }

        return bytes;
    }

    /// <summary>Reads a key file: hex digits, whitespace ignored, 16 to 64 bytes.</summary>
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

        return PatchSigningKey.TryParseHex(text, out string error)
            ?? throw new PolicyRejectedException($"key file {path}: {error}");
    }

    private static string KnownHooks()
    {
        var names = new List<string>();
        foreach (PolicyHook hook in HookCatalog.CreateAll())
        {
            names.Add(hook.Name);
        }

        return string.Join(", ", names);
    }
}
