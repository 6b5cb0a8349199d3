using System.Reflection.Metadata;
using NexOS.Security.Cil;
using NexOS.Security.Patches;

namespace NexOS.PatchTool;

/// <summary>The checks of a policy method's shape against its hook: return type, parameters and locals.</summary>
internal static class PolicyShape
{
    /// <summary>Checks return type and parameters against the hook; returns the context struct's full name.</summary>
    public static string Check(MethodSignature<TypeShape> signature, HookSignature hook, string name)
    {
        if (!Matches(signature.ReturnType, hook.ReturnType))
        {
            throw new PolicyRejectedException($"{name} returns {signature.ReturnType}, but hook {hook.Name} returns {CilTypes.Name(hook.ReturnType)}");
        }

        if (signature.ParameterTypes.Length != hook.ArgumentCount + 1)
        {
            throw new PolicyRejectedException($"{name} takes {signature.ParameterTypes.Length} parameters; hook {hook.Name} needs the context struct"
                + (hook.ArgumentCount == 0 ? " only" : $" and {hook.ArgumentCount} more"));
        }

        TypeShape context = signature.ParameterTypes[0];
        TypeShape inner = context.Kind == TypeShapeKind.ByRef ? context.Element! : context;
        if (inner.Kind != TypeShapeKind.ValueType)
        {
            throw new PolicyRejectedException($"{name}: the first parameter is {context}; it must be the hook's context struct (e.g. in SchedContext ctx)");
        }

        for (int i = 0; i < hook.ArgumentCount; i++)
        {
            if (!Matches(signature.ParameterTypes[i + 1], hook.ArgumentTypes[i]))
            {
                throw new PolicyRejectedException($"{name}: parameter {i + 2} is {signature.ParameterTypes[i + 1]}, but hook {hook.Name} passes {CilTypes.Name(hook.ArgumentTypes[i])}");
            }
        }

        return inner.Name;
    }

    /// <summary>Whether a signature type is the verifier type <paramref name="type"/>.</summary>
    public static bool Matches(TypeShape shape, CilType type) => type switch
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

        StandaloneSignature standalone = reader.GetStandaloneSignature(body.LocalSignature);
        var types = standalone.DecodeLocalSignature(TypeShapeProvider.Instance, null);
        var locals = new CilLocalType[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            // A bool local holds 0 or 1 in an int32 slot, exactly as the verifier types it.
            locals[i] = types[i].Kind switch
            {
                TypeShapeKind.Int32 or TypeShapeKind.Bool => CilLocalType.Int32,
                TypeShapeKind.Int64 => CilLocalType.Int64,
                _ => throw new PolicyRejectedException($"{name}: local {i} is of type {types[i]}; only int, long and bool locals are supported"),
            };
        }

        return locals;
    }
}
