using System.Reflection.Metadata;

namespace NexOS.PatchTool;

/// <summary>Names cut to a length a one-line message can carry. A crafted assembly can hold
/// names of megabytes; a refusal must still be one short line.</summary>
public static class Names
{
    /// <summary>The longest name a message shows before cutting it.</summary>
    public const int MaxShown = 80;

    /// <summary><paramref name="name"/>, or its first <see cref="MaxShown"/> characters followed by
    /// "...(N chars)". A cut name never equals a real one, so comparing cut names cannot bind.</summary>
    public static string Cut(string name) => name.Length <= MaxShown ? name : $"{name[..MaxShown]}...({name.Length} chars)";
}

/// <summary>
/// Full names of type definitions and references, nested types joined with '+'. Every walk
/// up the chain of declaring types or resolution scopes is bounded: corrupt metadata can make
/// a type its own outer type, which must end in a refusal, not a stack overflow.
/// </summary>
public static class TypeNames
{
    /// <summary>Deepest nesting of types followed.</summary>
    public const int MaxNesting = 32;

    /// <summary>The full name of a type definition, cut for display.</summary>
    public static string FullName(MetadataReader reader, TypeDefinitionHandle handle) => TypeIdentity.Of(reader, handle).FullName;

    /// <summary>The full name of a type definition, uncut: what <c>Type.Method</c> arguments
    /// are compared with.</summary>
    public static string UncutFullName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        string ns = Namespace(reader, handle);
        string name = NestedName(reader, handle);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    /// <summary>The namespace of a definition: its outermost declaring type's (nested types have none of their own).</summary>
    public static string Namespace(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        for (int depth = 0; !type.GetDeclaringType().IsNil; depth++)
        {
            Deeper(depth);
            type = reader.GetTypeDefinition(type.GetDeclaringType());
        }

        return reader.GetString(type.Namespace);
    }

    /// <summary>"Outer+Inner" for a nested definition, the plain name otherwise. The namespace
    /// is the outermost type's and is not part of this name.</summary>
    public static string NestedName(MetadataReader reader, TypeDefinitionHandle handle)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        TypeDefinitionHandle outer = type.GetDeclaringType();
        for (int depth = 0; !outer.IsNil; depth++)
        {
            Deeper(depth);
            TypeDefinition outerType = reader.GetTypeDefinition(outer);
            name = reader.GetString(outerType.Name) + "+" + name;
            outer = outerType.GetDeclaringType();
        }

        return name;
    }

    /// <summary>"Outer+Inner" for a nested reference (its scope is another reference).</summary>
    public static string NestedName(MetadataReader reader, TypeReferenceHandle handle)
    {
        TypeReference type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        for (int depth = 0; type.ResolutionScope.Kind == HandleKind.TypeReference; depth++)
        {
            Deeper(depth);
            type = reader.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
            name = reader.GetString(type.Name) + "+" + name;
        }

        return name;
    }

    /// <summary>The outermost reference of a nested reference's chain (itself when not nested).</summary>
    public static TypeReferenceHandle Outermost(MetadataReader reader, TypeReferenceHandle handle)
    {
        TypeReference type = reader.GetTypeReference(handle);
        for (int depth = 0; type.ResolutionScope.Kind == HandleKind.TypeReference; depth++)
        {
            Deeper(depth);
            handle = (TypeReferenceHandle)type.ResolutionScope;
            type = reader.GetTypeReference(handle);
        }

        return handle;
    }

    private static void Deeper(int depth)
    {
        if (depth >= MaxNesting)
        {
            throw new PolicyRejectedException($"types are nested more than {MaxNesting} deep (a cycle in the metadata?)");
        }
    }
}
