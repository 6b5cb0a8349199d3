using System.IO;
using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using NexOS.Security.Policy;

namespace NexOS.PatchTool;

/// <summary>
/// Builds a patch from a policy method: translate the IL against the kernel's own hook
/// (<see cref="HookCatalog"/>), encode it with <see cref="PatchWriter"/> (signed when a key is
/// given), then judge the encoded bytes with <see cref="PatchPreview"/>: the kernel's own
/// patch manager at the chosen level, with the key trusted. The tool's verdict is therefore
/// the kernel's, word for word. Every refusal is a <see cref="PolicyRejectedException"/> with a
/// one-line reason; the translator's own refusals concern the C# method (what cannot become a
/// patch at all), the rest are the kernel's.
/// </summary>
public static class PatchBuilder
{
    /// <summary>Builds and returns the encoded patch, once a kernel at the chosen level would accept it.</summary>
    public static byte[] Build(PatchBuildOptions options) => Build(options, out _);

    /// <summary>Builds and returns the encoded patch and the kernel's verdict on it.</summary>
    public static byte[] Build(PatchBuildOptions options, out string verdict)
    {
        byte[] bytes = Encode(options, out PolicyHook hook, out TranslatedPolicy translated, out PatchSigningKey? key);
        SubmitResult result = PatchPreview.Judge(bytes, options.Level, key);
        if (!result.Accepted)
        {
            throw new PolicyRejectedException(KernelReason(result.Message, options.Level));
        }

        if (!translated.LocalsInitialised)
        {
            // The kernel zeroes every local, but a method compiled without localsinit reads
            // whatever the stack held on the host: the two would compute different things.
            SecurityPolicy policy = SecurityPolicies.For(options.Level);
            if (PatchManager.VerifyBody(hook, translated.Body, policy.CilLoopsAllowed, policy.MaxCodeBytes, policy.MaxFuel, true, out string error) == null)
            {
                throw new PolicyRejectedException($"{Names.Cut(options.Method)} is compiled without localsinit (SkipLocalsInit) and {error}");
            }
        }

        verdict = result.Message;
        return bytes;
    }

    /// <summary>Translates and encodes the method without asking any kernel: the patch exactly as
    /// <see cref="Build(PatchBuildOptions)"/> would write it, for tests that judge it themselves.</summary>
    public static byte[] Encode(PatchBuildOptions options) => Encode(options, out _, out _, out _);

    private static byte[] Encode(PatchBuildOptions options, out PolicyHook hook, out TranslatedPolicy translated, out PatchSigningKey? key)
    {
        hook = HookCatalog.Create(options.Hook)
            ?? throw new PolicyRejectedException($"unknown hook '{Names.Cut(options.Hook)}' (known: {KnownHooks()})");
        if (string.IsNullOrWhiteSpace(options.Author))
        {
            throw new PolicyRejectedException("--author is required: every patch names the person responsible");
        }

        translated = Translate(options, hook);
        key = options.KeyFile == null ? null : new PatchSigningKey(options.KeyId, ReadKey(options.KeyFile));
        return Encode(options, hook, translated.Body, key);
    }

    /// <summary>Translates the method; a file that lies about itself is corrupt, said in one line.</summary>
    private static TranslatedPolicy Translate(PatchBuildOptions options, PolicyHook hook)
    {
        try
        {
            using PolicyAssembly assembly = PolicyAssembly.Open(options.AssemblyPath);
            return IlTranslator.Translate(assembly, options.Method, hook.Signature);
        }
        catch (Exception e) when (e is BadImageFormatException or OverflowException or InvalidCastException or ArgumentException or InvalidOperationException)
        {
            // What System.Reflection.Metadata throws on metadata that lies about itself
            // (handles of the wrong kind, sizes that overflow): the file is corrupt.
            throw new PolicyRejectedException($"{options.AssemblyPath} has corrupt metadata ({Names.Cut(e.Message.TrimEnd('.'))})");
        }
    }

    private static byte[] Encode(PatchBuildOptions options, PolicyHook hook, CilBody body, PatchSigningKey? key)
    {
        ulong now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var provenance = new PatchProvenance(options.PatchId != 0 ? options.PatchId : now, now * 1_000_000, PatchOrigin.External,
            options.Author, options.Reason, options.GainMetric, options.ExpectedGainBp);
        Patch patch = Patch.ForCil(hook.Name, body, provenance);
        if (!PatchWriter.TryWrite(patch, key, out byte[]? bytes, out PatchError writeError))
        {
            throw new PolicyRejectedException($"cannot encode the patch: {writeError.Message}");
        }

        return bytes;
    }

    // The manager says "rejected patch N: policy: ..." or "rejected patch N: verifier: ...";
    // the tool names the level instead of an id the patch will carry anyway.
    private static string KernelReason(string message, SecurityLevel level)
    {
        int colon = message.IndexOf(": ", StringComparison.Ordinal);
        string reason = message.StartsWith("rejected patch ", StringComparison.Ordinal) && colon > 0 ? message[(colon + 2)..] : message;
        return $"a kernel at {PolicyNames.Name(level)} refuses it: {reason}";
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
