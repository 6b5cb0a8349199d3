using System.Reflection.Metadata;
using NexOS.Security.Cil;
using NexOS.Security.Patches;

namespace NexOS.PatchTool;

/// <summary>The checks of a policy method's shape against its hook: calling convention, return
/// type, parameters (the first one the SDK's context struct of that hook, by identity) and locals.</summary>
internal static class PolicyShape
{
    /// <summary>Checks the signature against the hook; returns the identity of the context struct.</summary>
    public static TypeIdentity Check(MethodShape signature, HookSignature hook, string name)
    {
        SignatureHeader header = signature.Header;
        if (header.CallingConvention != SignatureCallingConvention.Default || header.IsInstance || header.HasExplicitThis || header.IsGeneric)
        {
            throw new PolicyRejectedException($"{name} has the {header.CallingConvention}{(header.IsInstance ? " instance" : string.Empty)} calling convention; a policy is a static, non-generic method of the default convention");
        }

        if (!Matches(signature.ReturnType, hook.ReturnType))
        {
            throw new PolicyRejectedException($"{name} returns {signature.ReturnType}, but hook {hook.Name} returns {CilTypes.Name(hook.ReturnType)}");
        }

        if (signature.Parameters.Count != hook.ArgumentCount + 1)
        {
            throw new PolicyRejectedException($"{name} takes {signature.Parameters.Count} parameters; hook {hook.Name} needs the context struct"
                + (hook.ArgumentCount == 0 ? " only" : $" and {hook.ArgumentCount} more"));
        }

        TypeIdentity expected = TrustedTypes.ContextOf(hook.Name)
            ?? throw new PolicyRejectedException($"hook {hook.Name} has no context struct in the SDK");
        TypeShape context = signature.Parameters[0];
        TypeShape inner = context.Kind == TypeShapeKind.ByRef ? context.Element! : context;
        if (inner.Kind != TypeShapeKind.ValueType || inner.Identity == null)
        {
            throw new PolicyRejectedException($"{name}: the first parameter is {context}; it must be the hook's context struct (e.g. in {expected.Name} ctx)");
        }

        if (inner.Identity != expected)
        {
            throw new PolicyRejectedException($"{name}: the first parameter is {inner.Identity.Describe()}; hook {hook.Name} takes {expected.Describe()}");
        }

        foreach (TypeIdentity modifier in context.Modifiers)
        {
            if (!TrustedTypes.IsInAttribute(modifier) || context.Kind != TypeShapeKind.ByRef)
            {
                throw new PolicyRejectedException($"{name}: the context parameter carries the custom modifier {modifier.Describe()}; only 'in' (InAttribute of the .NET core library) is understood");
            }
        }

        if (!inner.IsPlain)
        {
            throw new PolicyRejectedException($"{name}: the context struct carries the custom modifier {inner.Modifiers[0].Describe()}");
        }

        for (int i = 0; i < hook.ArgumentCount; i++)
        {
            if (!Matches(signature.Parameters[i + 1], hook.ArgumentTypes[i]))
            {
                throw new PolicyRejectedException($"{name}: parameter {i + 2} is {signature.Parameters[i + 1]}, but hook {hook.Name} passes {CilTypes.Name(hook.ArgumentTypes[i])}");
            }
        }

        return expected;
    }

    /// <summary>Whether a signature type is exactly the verifier type <paramref name="type"/>:
    /// the same primitive and no custom modifier (a modified type is another type).</summary>
    public static bool Matches(TypeShape shape, CilType type) => shape.IsPlain && type switch
    {
        CilType.Int32 => shape.Kind == TypeShapeKind.Int32,
        CilType.Int64 => shape.Kind == TypeShapeKind.Int64,
        CilType.Bool => shape.Kind == TypeShapeKind.Bool,
        _ => false,
    };

    /// <summary>The patch's local types from the method's local signature; refuses other types.</summary>
    public static CilLocalType[] Locals(MetadataReader reader, MethodBodyBlock body, string name)
    {
        if (body.LocalSignature.IsNil)
        {
            return Array.Empty<CilLocalType>();
        }

        TypeShape[] types = SignatureDecoder.Locals(reader, body.LocalSignature, name);
        var locals = new CilLocalType[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            // A bool local holds 0 or 1 in an int32 slot, exactly as the verifier types it.
            locals[i] = types[i].IsPlain ? types[i].Kind switch
            {
                TypeShapeKind.Int32 or TypeShapeKind.Bool => CilLocalType.Int32,
                TypeShapeKind.Int64 => CilLocalType.Int64,
                _ => throw new PolicyRejectedException($"{name}: local {i} is of type {types[i]}; only int, long and bool locals are supported"),
            }
            : throw new PolicyRejectedException($"{name}: local {i} is of type {types[i]}; only int, long and bool locals without modifiers are supported");
        }

        return locals;
    }
}
