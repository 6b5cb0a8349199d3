using System.Collections.Immutable;
using System.Reflection.Metadata;

namespace NexOS.PatchTool;

/// <summary>The few things the translator needs to know about a type in a signature.</summary>
public enum TypeShapeKind
{
    /// <summary>int (System.Int32).</summary>
    Int32,

    /// <summary>long (System.Int64).</summary>
    Int64,

    /// <summary>bool.</summary>
    Bool,

    /// <summary>void.</summary>
    Void,

    /// <summary>A named value type (a struct), e.g. a context struct.</summary>
    ValueType,

    /// <summary>A managed reference (ref, in, out) to <see cref="TypeShape.Element"/>.</summary>
    ByRef,

    /// <summary>Anything else (classes, arrays, pointers, floating point, generics ...).</summary>
    Other,
}

/// <summary>A decoded signature type: its kind, a display name and, for a by-ref, what it refers to.</summary>
public sealed record TypeShape(TypeShapeKind Kind, string Name, TypeShape? Element = null)
{
    /// <summary>The ECMA-ish spelling used in messages ("int32", "SchedContext&amp;", "float64").</summary>
    public override string ToString() => Name;
}

/// <summary>Decodes signature blobs into <see cref="TypeShape"/>s with full type names
/// ("Namespace.Outer+Inner"), ignoring custom modifiers such as the one on <c>in</c> parameters.</summary>
public sealed class TypeShapeProvider : ISignatureTypeProvider<TypeShape, object?>
{
    /// <summary>The shared instance (the provider has no state).</summary>
    public static readonly TypeShapeProvider Instance = new();

    /// <summary>Deepest nesting of types followed; corrupt metadata can make a type its own
    /// outer type, which must end in a rejection, not a stack overflow.</summary>
    public const int MaxNesting = 32;

    /// <summary>The full name of a type definition, nested types joined with '+'.</summary>
    public static string FullName(MetadataReader reader, TypeDefinitionHandle handle) => FullName(reader, handle, 0);

    /// <summary>The full name of a type reference, nested types joined with '+'.</summary>
    public static string FullName(MetadataReader reader, TypeReferenceHandle handle) => FullName(reader, handle, 0);

    private static string FullName(MetadataReader reader, TypeDefinitionHandle handle, int depth)
    {
        TypeDefinition type = reader.GetTypeDefinition(handle);
        string name = reader.GetString(type.Name);
        TypeDefinitionHandle outer = type.GetDeclaringType();
        if (!outer.IsNil)
        {
            return FullName(reader, outer, Deeper(depth)) + "+" + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static string FullName(MetadataReader reader, TypeReferenceHandle handle, int depth)
    {
        TypeReference type = reader.GetTypeReference(handle);
        string name = reader.GetString(type.Name);
        if (type.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return FullName(reader, (TypeReferenceHandle)type.ResolutionScope, Deeper(depth)) + "+" + name;
        }

        string ns = reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    private static int Deeper(int depth) => depth < MaxNesting
        ? depth + 1
        : throw new BadImageFormatException($"types nested more than {MaxNesting} deep (a cycle in the metadata)");

    /// <summary>The full name of whatever type a member's parent handle names, or null.</summary>
    public static string? FullName(MetadataReader reader, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeDefinition => FullName(reader, (TypeDefinitionHandle)handle),
        HandleKind.TypeReference => FullName(reader, (TypeReferenceHandle)handle),
        _ => null,
    };

    /// <inheritdoc/>
    public TypeShape GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Int32 => new TypeShape(TypeShapeKind.Int32, "int32"),
        PrimitiveTypeCode.Int64 => new TypeShape(TypeShapeKind.Int64, "int64"),
        PrimitiveTypeCode.Boolean => new TypeShape(TypeShapeKind.Bool, "bool"),
        PrimitiveTypeCode.Void => new TypeShape(TypeShapeKind.Void, "void"),
        PrimitiveTypeCode.Single => new TypeShape(TypeShapeKind.Other, "float32"),
        PrimitiveTypeCode.Double => new TypeShape(TypeShapeKind.Other, "float64"),
        _ => new TypeShape(TypeShapeKind.Other, typeCode.ToString().ToLowerInvariant()),
    };

    /// <inheritdoc/>
    public TypeShape GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        => Named(FullName(reader, handle), rawTypeKind);

    /// <inheritdoc/>
    public TypeShape GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        => Named(FullName(reader, handle), rawTypeKind);

    /// <inheritdoc/>
    public TypeShape GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    /// <inheritdoc/>
    public TypeShape GetSZArrayType(TypeShape elementType) => new(TypeShapeKind.Other, elementType.Name + "[]");

    /// <inheritdoc/>
    public TypeShape GetArrayType(TypeShape elementType, ArrayShape shape) => new(TypeShapeKind.Other, elementType.Name + "[,]");

    /// <inheritdoc/>
    public TypeShape GetByReferenceType(TypeShape elementType) => new(TypeShapeKind.ByRef, elementType.Name + "&", elementType);

    /// <inheritdoc/>
    public TypeShape GetPointerType(TypeShape elementType) => new(TypeShapeKind.Other, elementType.Name + "*");

    /// <inheritdoc/>
    public TypeShape GetGenericInstantiation(TypeShape genericType, ImmutableArray<TypeShape> typeArguments)
        => new(TypeShapeKind.Other, genericType.Name + "<" + string.Join(",", typeArguments) + ">");

    /// <inheritdoc/>
    public TypeShape GetGenericMethodParameter(object? genericContext, int index) => new(TypeShapeKind.Other, "!!" + index);

    /// <inheritdoc/>
    public TypeShape GetGenericTypeParameter(object? genericContext, int index) => new(TypeShapeKind.Other, "!" + index);

    /// <inheritdoc/>
    public TypeShape GetFunctionPointerType(MethodSignature<TypeShape> signature) => new(TypeShapeKind.Other, "method pointer");

    /// <inheritdoc/>
    public TypeShape GetModifiedType(TypeShape modifier, TypeShape unmodifiedType, bool isRequired) => unmodifiedType;

    /// <inheritdoc/>
    public TypeShape GetPinnedType(TypeShape elementType) => new(TypeShapeKind.Other, elementType.Name + " pinned");

    private static TypeShape Named(string fullName, byte rawTypeKind)
    {
        const byte valueTypeKind = 0x11; // ELEMENT_TYPE_VALUETYPE
        return new TypeShape(rawTypeKind == valueTypeKind ? TypeShapeKind.ValueType : TypeShapeKind.Other, fullName);
    }
}
