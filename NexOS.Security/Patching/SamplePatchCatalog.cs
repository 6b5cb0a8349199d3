using NexOS.Security.Patches;

namespace NexOS.Security.Patching;

/// <summary>
/// Built-in sample patches, good and bad, encoded with <see cref="PatchWriter"/> on demand so
/// that each gets a fresh patch id. `evolve apply NAME` submits them in the kernel; the host
/// tests submit the same bytes. The bad ones cover the corpus of issue 4: each must be refused
/// by the reader, the policy or the verifier, or removed by the watchdog or the canary.
/// </summary>
public static partial class SamplePatchCatalog
{
    private const uint T1 = 0x0A000001;
    private const uint T2 = 0x0A000002;
    private const uint T3 = 0x0A000003;

    private static readonly Sample[] s_samples =
    {
        new("slice-short", "good: 3/4 of the policy's time slice, at least 1 us (promoted)"),
        new("priority-floor", "good: never let decay take a thread below its base priority (promoted)"),
        new("gc-half", "good: half the collector's budget, at least min_budget_kib (promoted)"),
        new("param-slice", "good: parameter patch, sched.normal slice_ns 10 ms -> 8 ms"),
        new("param-gc", "good: parameter patch, gc.growth_percent 100 -> 120"),
        new("loop", "bad: a loop of a million rounds (watchdog: out of fuel; refused where loops are not allowed)"),
        new("endless", "bad: a loop without an exit (verifier: NoReturn)"),
        new("unbalanced", "bad: stack depths differ at a join (verifier: StackMismatch)"),
        new("underflow", "bad: add on an empty stack (verifier: StackUnderflow)"),
        new("type-confusion", "bad: an int used as the context reference (verifier: TypeMismatch)"),
        new("mid-instruction", "bad: branch into the middle of an instruction (verifier: BranchTarget)"),
        new("outside", "bad: branch past the end of the body (verifier: BranchTarget)"),
        new("bad-call", "bad: call to a method not on the whitelist (token table: Token)"),
        new("write-outside", "bad: store to a local that is not declared (verifier: LocalIndex)"),
        new("div-zero", "bad: division by zero at run time (watchdog: DivideByZero)"),
        new("out-of-range", "bad: a time slice of 0 (watchdog: invariant)"),
        new("harmful", "bad: valid, but four times the slice (canary: rolled back)"),
        new("truncated", "bad: slice-short cut in half (reader: truncated)"),
        new("bit-flip", "bad: slice-short with one bit flipped in the body (reader: hash mismatch)"),
        new("wrong-hash", "bad: slice-short with a wrong SHA-256 trailer (reader: hash mismatch)"),
        new("replay", "bad: slice-short with patch id 1 (policy: PatchId)"),
    };

    /// <summary>The names and one-line descriptions, in listing order.</summary>
    public static IReadOnlyList<Sample> All => s_samples;

    /// <summary>Encodes sample <paramref name="name"/> with <paramref name="patchId"/>; null for an unknown name.</summary>
    public static byte[]? Build(string name, ulong patchId)
    {
        switch (name)
        {
            case "slice-short":
                return Cil(HookCatalog.TimeSliceName, patchId, name, SliceShort(), Tokens(F("policy_slice_ns"), H("Math.Max(int64,int64)")));
            case "priority-floor":
                return Cil(HookCatalog.PriorityName, patchId, name, new byte[] { 0x02, 0x7B, 1, 0, 0, 0x0A, 0x02, 0x7B, 2, 0, 0, 0x0A, 0x28, 3, 0, 0, 0x0A, 0x2A },
                    Tokens(F("priority"), F("base_priority"), H("Math.Max(int32,int32)")));
            case "gc-half":
                return Cil(HookCatalog.GcBudgetName, patchId, name, new byte[] { 0x02, 0x7B, 1, 0, 0, 0x0A, 0x17, 0x63, 0x02, 0x7B, 2, 0, 0, 0x0A, 0x20, 0x00, 0x04, 0, 0, 0x6A, 0x5A, 0x28, 3, 0, 0, 0x0A, 0x2A },
                    Tokens(F("default_budget"), F("min_budget_kib"), H("Math.Max(int64,int64)")));
            case "param-slice":
                return Parameters("sched.normal", patchId, name, new ParameterChange("slice_ns", 8_000_000));
            case "param-gc":
                return Parameters("gc", patchId, name, new ParameterChange("gc.growth_percent", 120));
            case "truncated":
                byte[] whole = Build("slice-short", patchId)!;
                return whole.AsSpan(0, whole.Length / 2).ToArray();
            case "bit-flip":
                byte[] flipped = Build("slice-short", patchId)!;
                flipped[flipped.Length - 40] ^= 0x10;
                return flipped;
            case "wrong-hash":
                byte[] wrong = Build("slice-short", patchId)!;
                wrong[wrong.Length - 1] ^= 0xFF;
                return wrong;
            case "replay":
                return Build("slice-short", 1);
            default:
                return BuildBad(name, patchId);
        }
    }

    private static byte[] SliceShort() => new byte[]
    {
        0x02, 0x7B, 1, 0, 0, 0x0A, // ldarg.0; ldfld policy_slice_ns
        0x19, 0x6A, 0x5A,          // ldc.i4.3; conv.i8; mul
        0x1A, 0x6A, 0x5B,          // ldc.i4.4; conv.i8; div
        0x20, 0xE8, 0x03, 0, 0, 0x6A, // ldc.i4 1000; conv.i8
        0x28, 2, 0, 0, 0x0A,       // call Math.Max(int64,int64)
        0x2A,                      // ret
    };

    private static CilToken[] Tokens(params (CilTokenKind Kind, string Name)[] names)
    {
        var tokens = new CilToken[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            tokens[i] = new CilToken(T1 + (uint)i, names[i].Kind, names[i].Name);
        }

        return tokens;
    }

    private static (CilTokenKind Kind, string Name) F(string name) => (CilTokenKind.ContextField, name);

    private static (CilTokenKind Kind, string Name) H(string name) => (CilTokenKind.Helper, name);

    private static byte[] Cil(string hook, ulong patchId, string name, byte[] code, CilToken[] tokens, int locals = 0)
    {
        var localTypes = new CilLocalType[locals];
        Array.Fill(localTypes, CilLocalType.Int32);
        var body = new CilBody(code, 4, localTypes, tokens, Array.Empty<long>());
        return Encode(Patch.ForCil(hook, body, Provenance(patchId, name)));
    }

    private static byte[] Parameters(string set, ulong patchId, string name, ParameterChange change)
        => Encode(Patch.ForParameters(set, new[] { change }, Provenance(patchId, name)));

    private static PatchProvenance Provenance(ulong patchId, string name)
        => new(patchId, 0, PatchOrigin.Engine, "nexos-samples", "built-in sample " + name, "sample", 0);

    private static byte[] Encode(Patch patch)
    {
        // The samples are fixed and within every limit, so writing cannot fail.
        PatchWriter.TryWrite(patch, null, out byte[]? bytes, out _);
        return bytes ?? Array.Empty<byte>();
    }
}

/// <summary>A sample's name and what it demonstrates.</summary>
public readonly struct Sample
{
    /// <summary>Creates an entry.</summary>
    public Sample(string name, string description)
    {
        Name = name;
        Description = description;
    }

    /// <summary>The name `evolve apply` takes.</summary>
    public string Name { get; }

    /// <summary>What the sample is and what must happen to it.</summary>
    public string Description { get; }
}
