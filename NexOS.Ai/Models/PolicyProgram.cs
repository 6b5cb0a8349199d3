using NexOS.Security.Cil;
using NexOS.Security.Patching;
using NexOS.Security.Patches;
using CilTokenKind = NexOS.Security.Patches.CilTokenKind;

namespace NexOS.Ai.Models;

/// <summary>What a branch of a <see cref="PolicyProgram"/> returns.</summary>
public enum ProgramAction : byte
{
    /// <summary>The policy's own answer (context field 0).</summary>
    Keep,

    /// <summary>Time slice only: <c>clamp(slice * A / B, 1 us, 1 s)</c>.</summary>
    Scale,

    /// <summary>Priority only: <c>base_priority</c>.</summary>
    Base,

    /// <summary>Priority only: <c>min(priority + A, 31)</c>.</summary>
    Raise,

    /// <summary>Priority only: <c>max(priority - A, 0)</c>.</summary>
    Lower,

    /// <summary>Priority only: <c>max(priority, base_priority)</c> (no decay below the base).</summary>
    Floor,
}

/// <summary>
/// One point of the code model's search space: a hook body of the shape
/// <c>if ([reason == R and] feature OP threshold) then A else B</c>, where the feature is a
/// context field of the hook, OP is <c>&gt;=</c> or <c>&lt;</c>, and A and B are
/// <see cref="ProgramAction"/>s with small constants. Immutable. <see cref="Assemble"/> turns it
/// into a CIL body with its token table, the way any patch author would; whether the body is
/// acceptable is the verifier's business, not this class's.
/// </summary>
public sealed class PolicyProgram
{
    private const uint FirstToken = 0x0A000001;

    /// <summary>Creates a program (see the class summary for the shape).</summary>
    public PolicyProgram(string hook, int feature, bool atLeast, long threshold, int reason, ProgramAction then, int thenA, int thenB, ProgramAction otherwise, int elseA, int elseB)
    {
        Hook = hook;
        Feature = feature;
        AtLeast = atLeast;
        Threshold = threshold;
        Reason = reason;
        Then = then;
        ThenA = thenA;
        ThenB = Math.Max(1, thenB);
        Else = otherwise;
        ElseA = elseA;
        ElseB = Math.Max(1, elseB);
    }

    /// <summary>The hook the body is for.</summary>
    public string Hook { get; }

    /// <summary>Index of the context field the condition reads.</summary>
    public int Feature { get; }

    /// <summary>True: <c>feature &gt;= threshold</c>; false: <c>feature &lt; threshold</c>.</summary>
    public bool AtLeast { get; }

    /// <summary>The condition's constant.</summary>
    public long Threshold { get; }

    /// <summary>Priority hook: the stop reason the condition also requires, or -1 for any.</summary>
    public int Reason { get; }

    /// <summary>What the body returns when the condition holds.</summary>
    public ProgramAction Then { get; }

    /// <summary>Constant A of <see cref="Then"/>.</summary>
    public int ThenA { get; }

    /// <summary>Constant B of <see cref="Then"/> (the divisor of a scale, at least 1).</summary>
    public int ThenB { get; }

    /// <summary>What the body returns otherwise.</summary>
    public ProgramAction Else { get; }

    /// <summary>Constant A of <see cref="Else"/>.</summary>
    public int ElseA { get; }

    /// <summary>Constant B of <see cref="Else"/>.</summary>
    public int ElseB { get; }

    /// <summary>A stable text form, also the search's cache key.</summary>
    public override string ToString()
    {
        PolicyHook? hook = HookCatalog.Create(Hook);
        string feature = hook != null && Feature >= 0 && Feature < hook.Signature.ContextFieldCount ? hook.Signature.ContextFields[Feature].Name : "?";
        string reason = Reason >= 0 ? $"reason == {Reason} && " : string.Empty;
        return $"{Hook}: if ({reason}{feature} {(AtLeast ? ">=" : "<")} {Threshold}) {ActionText(Then, ThenA, ThenB)} else {ActionText(Else, ElseA, ElseB)}";
    }

    /// <summary>The CIL body with its token table (fields first, then helpers, numbered from
    /// 0x0A000001). Never throws; a program that mixes actions and hooks assembles into a
    /// body the verifier refuses.</summary>
    public CilBody Assemble()
    {
        PolicyHook hook = HookCatalog.Create(Hook) ?? HookCatalog.CreatePriority();
        var names = new List<(CilTokenKind Kind, string Name)>();
        var code = new List<byte>();
        int elseFixup = -1;
        int reasonFixup = -1;
        if (Reason >= 0)
        {
            LoadField(code, names, hook, "reason", false);
            code.Add(0x20);
            AddInt32(code, Reason);
            code.Add(0x40); // bne.un ELSE
            reasonFixup = code.Count;
            AddInt32(code, 0);
        }

        ContextField field = hook.Signature.ContextFields[Math.Clamp(Feature, 0, hook.Signature.ContextFieldCount - 1)];
        LoadField(code, names, hook, field.Name, true);
        code.Add(0x21); // ldc.i8
        AddInt64(code, Threshold);
        code.Add(AtLeast ? (byte)0x3F : (byte)0x3C); // blt / bge ELSE
        elseFixup = code.Count;
        AddInt32(code, 0);
        Emit(code, names, hook, Then, ThenA, ThenB);
        int elseAt = code.Count;
        Patch32(code, elseFixup, elseAt - (elseFixup + 4));
        if (reasonFixup >= 0)
        {
            Patch32(code, reasonFixup, elseAt - (reasonFixup + 4));
        }

        Emit(code, names, hook, Else, ElseA, ElseB);
        var tokens = new CilToken[names.Count];
        for (int i = 0; i < tokens.Length; i++)
        {
            tokens[i] = new CilToken(FirstToken + (uint)i, names[i].Kind, names[i].Name);
        }

        return new CilBody(code.ToArray(), 4, Array.Empty<CilLocalType>(), tokens, Array.Empty<long>());
    }

    private static string ActionText(ProgramAction action, int a, int b) => action switch
    {
        ProgramAction.Keep => "keep",
        ProgramAction.Scale => $"slice * {a} / {b}",
        ProgramAction.Base => "base_priority",
        ProgramAction.Raise => $"priority + {a}",
        ProgramAction.Lower => $"priority - {a}",
        _ => "max(priority, base_priority)",
    };

    private static void Emit(List<byte> code, List<(CilTokenKind, string)> names, PolicyHook hook, ProgramAction action, int a, int b)
    {
        bool slice = hook.Signature.ReturnType == CilType.Int64;
        string own = hook.Signature.ContextFields[0].Name;
        switch (action)
        {
            case ProgramAction.Scale:
                LoadField(code, names, hook, own, true);
                LdcI8(code, a);
                code.Add(0x5A); // mul
                LdcI8(code, b);
                code.Add(0x5B); // div
                LdcI8(code, 1_000);
                Call(code, names, "Math.Max(int64,int64)");
                LdcI8(code, 1_000_000_000);
                Call(code, names, "Math.Min(int64,int64)");
                break;
            case ProgramAction.Base:
                LoadField(code, names, hook, "base_priority", slice);
                break;
            case ProgramAction.Raise:
            case ProgramAction.Lower:
                LoadField(code, names, hook, own, false);
                code.Add(0x20);
                AddInt32(code, a);
                code.Add(action == ProgramAction.Raise ? (byte)0x58 : (byte)0x59); // add / sub
                code.Add(0x20);
                AddInt32(code, action == ProgramAction.Raise ? 31 : 0);
                Call(code, names, action == ProgramAction.Raise ? "Math.Min(int32,int32)" : "Math.Max(int32,int32)");
                break;
            case ProgramAction.Floor:
                LoadField(code, names, hook, own, false);
                LoadField(code, names, hook, "base_priority", false);
                Call(code, names, "Math.Max(int32,int32)");
                break;
            default:
                LoadField(code, names, hook, own, false);
                break;
        }

        code.Add(0x2A); // ret
    }

    /// <summary>ldarg.0; ldfld name; and conv.i8 when <paramref name="wide"/> and the field is int32.</summary>
    private static void LoadField(List<byte> code, List<(CilTokenKind, string)> names, PolicyHook hook, string name, bool wide)
    {
        code.Add(0x02);
        code.Add(0x7B);
        AddInt32(code, (int)Token(names, CilTokenKind.ContextField, name));
        int index = hook.Signature.FindField(name);
        if (wide && index >= 0 && hook.Signature.ContextFields[index].Type == CilType.Int32)
        {
            code.Add(0x6A);
        }
    }

    private static void Call(List<byte> code, List<(CilTokenKind, string)> names, string helper)
    {
        code.Add(0x28);
        AddInt32(code, (int)Token(names, CilTokenKind.Helper, helper));
    }

    private static uint Token(List<(CilTokenKind Kind, string Name)> names, CilTokenKind kind, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i].Name == name)
            {
                return FirstToken + (uint)i;
            }
        }

        names.Add((kind, name));
        return FirstToken + (uint)(names.Count - 1);
    }

    private static void LdcI8(List<byte> code, long value)
    {
        code.Add(0x21);
        AddInt64(code, value);
    }

    private static void AddInt32(List<byte> code, int value)
    {
        for (int i = 0; i < 4; i++)
        {
            code.Add((byte)(value >> (8 * i)));
        }
    }

    private static void AddInt64(List<byte> code, long value)
    {
        for (int i = 0; i < 8; i++)
        {
            code.Add((byte)(value >> (8 * i)));
        }
    }

    private static void Patch32(List<byte> code, int at, int value)
    {
        for (int i = 0; i < 4; i++)
        {
            code[at + i] = (byte)(value >> (8 * i));
        }
    }
}
