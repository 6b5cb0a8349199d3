using System.Reflection.Metadata;

namespace NexOS.PatchTool;

/// <summary>A decoded method signature: header, return type and parameters.</summary>
public sealed record MethodShape(SignatureHeader Header, TypeShape ReturnType, IReadOnlyList<TypeShape> Parameters)
{
    /// <summary>"(int32,int64)": the parameters as a message shows them.</summary>
    public string ParameterList => "(" + string.Join(",", Parameters) + ")";
}

/// <summary>
/// Decodes signature blobs (ECMA-335 II.23.2) into <see cref="TypeShape"/>s, bounded in every
/// direction a crafted assembly could push: types nested at most <see cref="MaxDepth"/> deep
/// (arrays of arrays, pointers to pointers, generic arguments, modifiers, function pointers, and
/// type specifications that name themselves or each other, directly or through a modifier), at
/// most <see cref="MaxTypes"/> types per signature (so that specifications that fan out cannot
/// grow exponentially), and at most <see cref="MaxCount"/> parameters or locals. Exceeding a
/// bound is a one-line refusal; a blob that ends early or holds an invalid code is a
/// <see cref="BadImageFormatException"/>, which the builder reports as corrupt metadata. The
/// decoder is recursive, but its depth is the bound, so the stack it uses is small and fixed.
/// </summary>
public sealed class SignatureDecoder
{
    /// <summary>Deepest nesting of types in one signature, type specifications included.</summary>
    public const int MaxDepth = 32;

    /// <summary>Most types decoded for one signature, type specifications followed included.</summary>
    public const int MaxTypes = 1024;

    /// <summary>Most parameters of a method or locals of a body.</summary>
    public const int MaxCount = 256;

    private readonly MetadataReader _reader;
    private readonly string _what;
    private int _types;

    private SignatureDecoder(MetadataReader reader, string what)
    {
        _reader = reader;
        _what = what;
    }

    /// <summary>Decodes a method definition's or reference's signature.</summary>
    public static MethodShape Method(MetadataReader reader, BlobHandle blob, string what)
    {
        var decoder = new SignatureDecoder(reader, what);
        BlobReader r = reader.GetBlobReader(blob);
        SignatureHeader header = r.ReadSignatureHeader();
        if (header.Kind != SignatureKind.Method && header.Kind != SignatureKind.Property)
        {
            throw new BadImageFormatException($"the signature of {what} is a {header.Kind} signature, not a method's");
        }

        if (header.IsGeneric)
        {
            r.ReadCompressedInteger();
        }

        int count = decoder.Count(ref r, "parameters");
        TypeShape returns = decoder.Type(ref r, 0);
        var parameters = new TypeShape[count];
        for (int i = 0; i < count; i++)
        {
            // A vararg call site's signature marks where the fixed parameters end with a
            // sentinel; it is not a type. The binder refuses the calling convention itself.
            BlobReader peek = r;
            if (peek.RemainingBytes > 0 && peek.ReadByte() == 0x41)
            {
                r = peek;
            }

            parameters[i] = decoder.Type(ref r, 0);
        }

        return new MethodShape(header, returns, parameters);
    }

    /// <summary>Decodes a field's signature.</summary>
    public static TypeShape Field(MetadataReader reader, BlobHandle blob, string what)
    {
        BlobReader r = reader.GetBlobReader(blob);
        SignatureHeader header = r.ReadSignatureHeader();
        if (header.Kind != SignatureKind.Field)
        {
            throw new BadImageFormatException($"the signature of {what} is a {header.Kind} signature, not a field's");
        }

        return new SignatureDecoder(reader, what).Type(ref r, 0);
    }

    /// <summary>Decodes a body's local variable signature.</summary>
    public static TypeShape[] Locals(MetadataReader reader, StandaloneSignatureHandle handle, string what)
    {
        var decoder = new SignatureDecoder(reader, what);
        BlobReader r = reader.GetBlobReader(reader.GetStandaloneSignature(handle).Signature);
        SignatureHeader header = r.ReadSignatureHeader();
        if (header.Kind != SignatureKind.LocalVariables)
        {
            throw new BadImageFormatException($"the local signature of {what} is a {header.Kind} signature");
        }

        int count = decoder.Count(ref r, "locals");
        var locals = new TypeShape[count];
        for (int i = 0; i < count; i++)
        {
            locals[i] = decoder.Type(ref r, 0);
        }

        return locals;
    }

    private int Count(ref BlobReader r, string of)
    {
        int count = r.ReadCompressedInteger();
        return count <= MaxCount ? count
            : throw new PolicyRejectedException($"{_what}: its signature declares {count} {of}; at most {MaxCount} are read");
    }

    private TypeShape Type(ref BlobReader r, int depth)
    {
        if (depth >= MaxDepth)
        {
            throw new PolicyRejectedException($"{_what}: a signature nests types more than {MaxDepth} deep");
        }

        if (++_types > MaxTypes)
        {
            throw new PolicyRejectedException($"{_what}: a signature holds more than {MaxTypes} types");
        }

        int code = r.ReadCompressedInteger();
        switch (code)
        {
            case 0x01: return new TypeShape(TypeShapeKind.Void, "void");
            case 0x02: return new TypeShape(TypeShapeKind.Bool, "bool");
            case 0x08: return new TypeShape(TypeShapeKind.Int32, "int32");
            case 0x0A: return new TypeShape(TypeShapeKind.Int64, "int64");
            case 0x0F: return Other(Type(ref r, depth + 1).Name + "*");
            case 0x10:
                TypeShape element = Type(ref r, depth + 1);
                return new TypeShape(TypeShapeKind.ByRef, Names.Cut(element.Name + "&"), element);
            case 0x11:
            case 0x12:
                return Named(r.ReadTypeHandle(), code == 0x11, depth);
            case 0x13: return Other("!" + r.ReadCompressedInteger());
            case 0x14: return Array(ref r, depth);
            case 0x15: return GenericInstance(ref r, depth);
            case 0x1B:
                SkipMethod(ref r, depth);
                return Other("method pointer");
            case 0x1D: return Other(Type(ref r, depth + 1).Name + "[]");
            case 0x1E: return Other("!!" + r.ReadCompressedInteger());
            case 0x1F:
            case 0x20:
                return Modified(ref r, depth);
            case 0x45: return Other(Type(ref r, depth + 1).Name + " pinned");
            default:
                return code is >= 0x03 and <= 0x0E or 0x16 or 0x18 or 0x19 or 0x1C
                    ? Other(Primitive(code))
                    : throw new BadImageFormatException($"{_what}: 0x{code:X2} is not a type in a signature");
        }
    }

    private TypeShape Modified(ref BlobReader r, int depth)
    {
        EntityHandle modifier = r.ReadTypeHandle();
        TypeIdentity identity = TypeIdentity.Of(_reader, modifier)
            ?? throw new PolicyRejectedException($"{_what}: a custom modifier is a constructed type");
        TypeShape inner = Type(ref r, depth + 1);
        var modifiers = new List<TypeIdentity>(inner.Modifiers.Count + 1) { identity };
        modifiers.AddRange(inner.Modifiers);
        return inner with { Modifiers = modifiers };
    }

    private TypeShape Named(EntityHandle handle, bool valueType, int depth)
    {
        if (handle.Kind == HandleKind.TypeSpecification)
        {
            // A specification names a constructed type by another blob, which may name this one
            // again: the depth carries over, so a cycle ends at MaxDepth.
            BlobReader spec = _reader.GetBlobReader(_reader.GetTypeSpecification((TypeSpecificationHandle)handle).Signature);
            return Type(ref spec, depth + 1);
        }

        TypeIdentity identity = TypeIdentity.Of(_reader, handle)
            ?? throw new BadImageFormatException($"{_what}: a signature names a type by a {handle.Kind} handle");
        return new TypeShape(valueType ? TypeShapeKind.ValueType : TypeShapeKind.Other, identity.FullName, null, identity);
    }

    private TypeShape Array(ref BlobReader r, int depth)
    {
        TypeShape element = Type(ref r, depth + 1);
        int rank = r.ReadCompressedInteger();
        int sizes = r.ReadCompressedInteger();
        for (int i = 0; i < sizes; i++)
        {
            r.ReadCompressedInteger();
        }

        int bounds = r.ReadCompressedInteger();
        for (int i = 0; i < bounds; i++)
        {
            r.ReadCompressedSignedInteger();
        }

        return Other($"{element.Name}[{new string(',', Math.Clamp(rank - 1, 0, 8))}]");
    }

    private TypeShape GenericInstance(ref BlobReader r, int depth)
    {
        TypeShape generic = Type(ref r, depth + 1);
        int count = Count(ref r, "generic arguments");
        var arguments = new string[count];
        for (int i = 0; i < count; i++)
        {
            arguments[i] = Type(ref r, depth + 1).Name;
        }

        return Other($"{generic.Name}<{string.Join(",", arguments)}>");
    }

    private void SkipMethod(ref BlobReader r, int depth)
    {
        SignatureHeader header = r.ReadSignatureHeader();
        if (header.IsGeneric)
        {
            r.ReadCompressedInteger();
        }

        int count = Count(ref r, "parameters");
        for (int i = 0; i <= count; i++)
        {
            Type(ref r, depth + 1);
        }
    }

    private static TypeShape Other(string name) => new(TypeShapeKind.Other, Names.Cut(name));

    private static string Primitive(int code) => code switch
    {
        0x03 => "char",
        0x04 => "int8",
        0x05 => "uint8",
        0x06 => "int16",
        0x07 => "uint16",
        0x09 => "uint32",
        0x0B => "uint64",
        0x0C => "float32",
        0x0D => "float64",
        0x0E => "string",
        0x16 => "typedref",
        0x18 => "native int",
        0x19 => "native uint",
        _ => "object",
    };
}
