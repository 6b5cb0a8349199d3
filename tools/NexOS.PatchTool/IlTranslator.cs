using System.Buffers.Binary;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using NexOS.Security.Cil;
using NexOS.Security.Patches;
using PatchTokenKind = NexOS.Security.Patches.CilTokenKind;

namespace NexOS.PatchTool;

/// <summary>A policy method translated for a hook: the patch body, and whether the method
/// asked for its locals to be zeroed (<c>localsinit</c>, which C# sets unless told to skip it).</summary>
public sealed record TranslatedPolicy(CilBody Body, bool LocalsInitialised);

/// <summary>
/// Turns the IL of a compiled policy method into a patch body for one hook. The IL is copied
/// as it is, except that every metadata token is replaced by a token of the patch's own table:
/// <c>ldfld</c> of a field of the hook's SDK context struct becomes a context-field token
/// named after the field (PascalCase to snake_case), <c>call</c> of a whitelisted helper a
/// helper token with the helper's canonical name. Both are bound by identity (see
/// <see cref="TrustedTypes"/>): the declaring type's assembly name and public key, its
/// namespace and name, the member's name, and its exact signature and calling convention.
/// Anything else that refers to metadata, a method shape that does not match the hook,
/// exception handlers and locals that are not int/long/bool are refused with a one-line
/// reason. The rest of the subset (opcodes, stack, branches, fuel) is the verifier's job.
/// </summary>
public static class IlTranslator
{
    /// <summary>Translates <paramref name="qualifiedName"/> of <paramref name="assembly"/> for <paramref name="hook"/>.</summary>
    public static TranslatedPolicy Translate(PolicyAssembly assembly, string qualifiedName, HookSignature hook)
    {
        MetadataReader reader = assembly.Reader;
        MethodDefinitionHandle handle = assembly.FindMethod(qualifiedName);
        MethodDefinition method = reader.GetMethodDefinition(handle);
        MethodShape signature = SignatureDecoder.Method(reader, method.Signature, qualifiedName);
        TypeIdentity context = PolicyShape.Check(signature, hook, qualifiedName);

        MethodBodyBlock body = assembly.GetBody(handle, qualifiedName);
        if (body.ExceptionRegions.Length > 0)
        {
            throw new PolicyRejectedException($"{qualifiedName} has exception handlers (try/catch/finally/using); policies may not");
        }

        CilLocalType[] locals = PolicyShape.Locals(reader, body, qualifiedName);
        byte[] il = body.GetILBytes() ?? Array.Empty<byte>();
        var tokens = new List<CilToken>();
        RewriteTokens(reader, il, context, hook, tokens);
        return new TranslatedPolicy(new CilBody(il, body.MaxStack, locals, tokens.ToArray(), Array.Empty<long>()), body.LocalVariablesInitialized);
    }

    /// <summary>PascalCase to snake_case: "BasePriority" to "base_priority", "SliceNs" to "slice_ns".</summary>
    public static string SnakeCase(string name)
    {
        var sb = new System.Text.StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool afterLower = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLower || endsAcronym)
                {
                    sb.Append('_');
                }

                sb.Append(char.ToLowerInvariant(c));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    private static void RewriteTokens(MetadataReader reader, byte[] il, TypeIdentity context, HookSignature hook, List<CilToken> tokens)
    {
        int offset = 0;
        while (offset < il.Length)
        {
            if (!OpcodeTable.TryRead(il, offset, out OpCode opcode, out int operandAt))
            {
                return; // not an opcode: the verifier names the rule and offset
            }

            int length = OpcodeTable.OperandLength(opcode, il, operandAt);
            if ((long)operandAt + length > il.Length)
            {
                return; // truncated (or a switch count past any body): the verifier reports it
            }

            if (OpcodeTable.HasToken(opcode))
            {
                var token = BinaryPrimitives.ReadInt32LittleEndian(il.AsSpan(operandAt, 4));
                (PatchTokenKind kind, string name) = Resolve(reader, opcode, token, context, hook, offset);
                uint patchToken = TokenFor(tokens, kind, name);
                BinaryPrimitives.WriteUInt32LittleEndian(il.AsSpan(operandAt, 4), patchToken);
            }

            offset = operandAt + length;
        }
    }

    private static uint TokenFor(List<CilToken> tokens, PatchTokenKind kind, string name)
    {
        foreach (CilToken existing in tokens)
        {
            if (existing.Kind == kind && existing.Name == name)
            {
                return existing.Token;
            }
        }

        uint token = Security.Cil.CilTokenTable.FirstToken + (uint)tokens.Count;
        tokens.Add(new CilToken(token, kind, name));
        return token;
    }

    private static (PatchTokenKind Kind, string Name) Resolve(MetadataReader reader, OpCode opcode, int token, TypeIdentity context, HookSignature hook, int offset)
    {
        string at = $"IL_{offset:X4}";
        const int userStringTable = 0x70;
        if ((token >>> 24) == userStringTable)
        {
            throw new PolicyRejectedException($"{at}: uses a string literal ('{opcode.Name}'); policies compute numbers only");
        }

        EntityHandle handle;
        try
        {
            handle = MetadataTokens.EntityHandle(token);
        }
        catch (ArgumentException)
        {
            throw new PolicyRejectedException($"{at}: '{opcode.Name}' has an invalid metadata token 0x{token:X8}");
        }

        MemberInfo member = MemberInfo.Read(reader, handle, at);
        if (opcode == OpCodes.Ldfld && member.IsField)
        {
            return (PatchTokenKind.ContextField, MemberBinder.ContextField(member, context, hook, at));
        }

        if (opcode == OpCodes.Call && member.IsMethod)
        {
            return (PatchTokenKind.Helper, MemberBinder.Helper(member, at));
        }

        string what = opcode == OpCodes.Ldflda ? $"takes the address of field {member.Display} (read fields by value)"
            : opcode == OpCodes.Ldsfld || opcode == OpCodes.Stsfld || opcode == OpCodes.Ldsflda ? $"uses static field {member.Display}; a policy reads only its context"
            : opcode == OpCodes.Stfld ? $"writes field {member.Display}; the context is read-only"
            : member.IsMethod ? $"calls {member.Display} with '{opcode.Name}'; only 'call' of a whitelisted helper is allowed"
            : $"'{opcode.Name}' refers to {member.Display}, which is outside the patch subset";
        throw new PolicyRejectedException($"{at}: {what}");
    }
}
