using System.Linq;
using System.Reflection.Metadata;
using NexOS.Security.Cil;
using NexOS.Security.Patches;

namespace NexOS.PatchTool;

/// <summary>
/// Binds the members policy IL names to the kernel's by identity, never by name alone: a field
/// read to a context field only when the field is declared by the hook's SDK context struct
/// (<see cref="TrustedTypes.ContextOf"/>) with the kernel field's exact type; a call to a kernel
/// helper only when the method is System.Math of the .NET core library or the SDK's Helpers,
/// static, of the default calling convention, not generic, with the helper's exact signature.
/// Members the policy assembly defines itself are never bound, whatever they are called, so a
/// policy's own System.Math (or a static field named like a context field) cannot compute one
/// thing on the host and be mapped to another in the kernel. Each refusal names what did not match.
/// </summary>
internal static class MemberBinder
{
    /// <summary>The hook's context field that <paramref name="field"/> reads, in kernel spelling.</summary>
    public static string ContextField(MemberInfo field, TypeIdentity context, HookSignature hook, string at)
    {
        if (field.DefinedHere)
        {
            throw new PolicyRejectedException($"{at}: reads field {field.Display}, which the policy assembly defines itself; a policy reads only fields of {context.Describe()}");
        }

        if (field.DeclaringType == null || field.DeclaringType.Namespace != context.Namespace || field.DeclaringType.Name != context.Name)
        {
            throw new PolicyRejectedException($"{at}: reads field {field.Display}, which is not a field of the context {context.FullName}");
        }

        if (field.DeclaringType != context)
        {
            throw new PolicyRejectedException($"{at}: reads field {field.Display} of {field.DeclaringType.Describe()}; the context is {context.Describe()}");
        }

        string name = IlTranslator.SnakeCase(field.Name);
        int index = hook.FindField(name);
        if (index < 0)
        {
            throw new PolicyRejectedException($"{at}: field {Names.Cut(field.Name)} of {context.FullName} maps to '{Names.Cut(name)}', which hook {hook.Name} does not have");
        }

        CilType expected = hook.ContextFields[index].Type;
        if (field.FieldType == null || !PolicyShape.Matches(field.FieldType, expected))
        {
            throw new PolicyRejectedException($"{at}: field {field.Name} is {field.FieldType}, but '{name}' of hook {hook.Name} is {CilTypes.Name(expected)}");
        }

        return name;
    }

    /// <summary>The canonical name of the kernel helper <paramref name="method"/> is bound to.</summary>
    public static string Helper(MemberInfo method, string at)
    {
        const string whitelist = "Min, Max, Abs, Clamp of int or long, from the SDK's NexOS.Policy.Helpers or the .NET core library's System.Math";
        if (method.DefinedHere)
        {
            throw new PolicyRejectedException($"{at}: calls {method.Display}, which the policy assembly defines itself; only {whitelist} are bound");
        }

        TypeIdentity? owner = method.DeclaringType;
        if (owner == null || !(owner == TrustedTypes.SdkHelpers || TrustedTypes.IsSystemMath(owner)))
        {
            string whose = owner != null && (owner.FullName == "System.Math" || owner.FullName == "NexOS.Policy.Helpers") ? $" of {owner.Describe()}" : string.Empty;
            throw new PolicyRejectedException($"{at}: calls {method.Display}{whose}, which is not a whitelisted helper ({whitelist})");
        }

        MethodShape s = method.Method!;
        SignatureHeader header = s.Header;
        if (header.CallingConvention != SignatureCallingConvention.Default || header.IsInstance || header.HasExplicitThis || header.IsGeneric)
        {
            string convention = header.CallingConvention.ToString() + (header.IsInstance ? " instance" : string.Empty) + (header.IsGeneric ? " generic" : string.Empty);
            throw new PolicyRejectedException($"{at}: calls {method.Display} with the {convention} calling convention; a helper call is static, non-generic and of the default convention");
        }

        bool numeric = s.ReturnType.IsPlain && s.ReturnType.Kind is TypeShapeKind.Int32 or TypeShapeKind.Int64;
        bool uniform = numeric;
        foreach (TypeShape p in s.Parameters)
        {
            uniform &= p.IsPlain && p.Kind == s.ReturnType.Kind;
        }

        string canonical = $"Math.{method.Name}({string.Join(",", Enumerable.Repeat(s.ReturnType.Name, s.Parameters.Count))})";
        if (uniform && CilHelper.Find(canonical) != null)
        {
            return canonical;
        }

        throw new PolicyRejectedException($"{at}: calls {method.Display} returning {s.ReturnType}, which is not a whitelisted helper ({whitelist})");
    }
}
