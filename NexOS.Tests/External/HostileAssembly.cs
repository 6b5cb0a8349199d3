using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace NexOS.Tests.External;

/// <summary>
/// Writes policy assemblies the C# compiler never would: signatures, type specifications,
/// references and bodies given byte for byte, so a test can hand the patch tool metadata that
/// lies (types that name themselves, nesting thousands deep, look-alike assemblies, wrong
/// calling conventions). Rows are added in the order declared; types are opened with
/// <see cref="BeginType"/>, filled with fields and methods, and closed with <see cref="EndType"/>.
/// Validation of the metadata is switched off on purpose.
/// </summary>
internal sealed class HostileAssembly
{
    private readonly MetadataBuilder _md = new();
    private readonly BlobBuilder _il = new();
    private readonly MethodBodyStreamEncoder _bodies;
    private int _firstField = 1;
    private int _firstMethod = 1;

    public HostileAssembly(string name = "Hostile")
    {
        _bodies = new MethodBodyStreamEncoder(_il);
        _md.AddModule(0, _md.GetOrAddString(name + ".dll"), _md.GetOrAddGuid(new Guid(1, 2, 3, new byte[8])), default, default);
        _md.AddAssembly(_md.GetOrAddString(name), new Version(1, 0, 0, 0), default, default, 0, AssemblyHashAlgorithm.Sha1);
        _md.AddTypeDefinition(0, default, _md.GetOrAddString("<Module>"), default, MetadataTokens.FieldDefinitionHandle(1), MetadataTokens.MethodDefinitionHandle(1));
        CoreLibrary = AssemblyRef("System.Runtime", Convert.FromHexString("b03f5f7f11d50a3a"));
        Object = TypeRef(CoreLibrary, "System", "Object");
        ValueType = TypeRef(CoreLibrary, "System", "ValueType");
    }

    /// <summary>System.Runtime with Microsoft's key token.</summary>
    public AssemblyReferenceHandle CoreLibrary { get; }

    public TypeReferenceHandle Object { get; }

    public TypeReferenceHandle ValueType { get; }

    /// <summary>The handle the next type specification will get, for blobs that name themselves.</summary>
    public TypeSpecificationHandle NextTypeSpec => MetadataTokens.TypeSpecificationHandle(_md.GetRowCount(TableIndex.TypeSpec) + 1);

    /// <summary>The handle the next type reference will get, for references scoped by themselves.</summary>
    public TypeReferenceHandle NextTypeRef => MetadataTokens.TypeReferenceHandle(_md.GetRowCount(TableIndex.TypeRef) + 1);

    public AssemblyReferenceHandle AssemblyRef(string name, byte[]? keyOrToken, bool fullKey = false)
        => _md.AddAssemblyReference(_md.GetOrAddString(name), new Version(1, 0, 0, 0), default,
            keyOrToken == null ? default : _md.GetOrAddBlob(keyOrToken), fullKey ? AssemblyFlags.PublicKey : 0, default);

    /// <summary>The real SDK's reference: its name and the token of NexOS.PatchSdk.snk.</summary>
    public AssemblyReferenceHandle Sdk() => AssemblyRef("NexOS.PatchSdk", Convert.FromHexString(NexOS.PatchTool.TrustedTypes.SdkKeyToken));

    public TypeReferenceHandle TypeRef(EntityHandle scope, string ns, string name)
        => _md.AddTypeReference(scope, _md.GetOrAddString(ns), _md.GetOrAddString(name));

    public TypeSpecificationHandle TypeSpec(byte[] blob) => _md.AddTypeSpecification(_md.GetOrAddBlob(blob));

    public MemberReferenceHandle MemberRef(EntityHandle parent, string name, byte[] signature)
        => _md.AddMemberReference(parent, _md.GetOrAddString(name), _md.GetOrAddBlob(signature));

    public StandaloneSignatureHandle Signature(byte[] blob) => _md.AddStandaloneSignature(_md.GetOrAddBlob(blob));

    /// <summary>The handle the type opened next will get.</summary>
    public TypeDefinitionHandle BeginType() => MetadataTokens.TypeDefinitionHandle(_md.GetRowCount(TableIndex.TypeDef) + 1);

    public FieldDefinitionHandle Field(string name, FieldAttributes attributes, byte[] signature)
        => _md.AddFieldDefinition(attributes, _md.GetOrAddString(name), _md.GetOrAddBlob(signature));

    /// <summary>A static method with the given signature and IL (no IL: an abstract-like method without a body).</summary>
    public MethodDefinitionHandle Method(string name, byte[] signature, byte[]? il, int maxStack = 8, StandaloneSignatureHandle locals = default, bool localsInit = true)
    {
        int offset = -1;
        if (il != null)
        {
            // A fat header always, so that localsinit and the local signature are what the test says.
            MethodBodyStreamEncoder.MethodBody body = _bodies.AddMethodBody(il.Length, maxStack, 0, false, locals, localsInit ? MethodBodyAttributes.InitLocals : MethodBodyAttributes.None);
            new BlobWriter(body.Instructions).WriteBytes(il);
            offset = body.Offset;
        }

        return _md.AddMethodDefinition(MethodAttributes.Public | MethodAttributes.Static | MethodAttributes.HideBySig, MethodImplAttributes.IL,
            _md.GetOrAddString(name), _md.GetOrAddBlob(signature), offset, default);
    }

    /// <summary>Closes the type opened by <see cref="BeginType"/>: its fields and methods are those added since.</summary>
    public TypeDefinitionHandle EndType(string ns, string name, bool valueType = false)
    {
        TypeDefinitionHandle handle = _md.AddTypeDefinition(
            TypeAttributes.Public | TypeAttributes.Sealed | (valueType ? TypeAttributes.SequentialLayout : TypeAttributes.Abstract),
            _md.GetOrAddString(ns), _md.GetOrAddString(name), valueType ? ValueType : Object,
            MetadataTokens.FieldDefinitionHandle(_firstField), MetadataTokens.MethodDefinitionHandle(_firstMethod));
        _firstField = _md.GetRowCount(TableIndex.Field) + 1;
        _firstMethod = _md.GetRowCount(TableIndex.MethodDef) + 1;
        return handle;
    }

    public void Nest(TypeDefinitionHandle inner, TypeDefinitionHandle outer) => _md.AddNestedType(inner, outer);

    public byte[] ToArray()
    {
        var root = new MetadataRootBuilder(_md, suppressValidation: true);
        var pe = new ManagedPEBuilder(PEHeaderBuilder.CreateLibraryHeader(), root, _il,
            deterministicIdProvider: _ => new BlobContentId(Guid.Empty, 0x12345678));
        var blob = new BlobBuilder();
        pe.Serialize(blob);
        return blob.ToArray();
    }
}

/// <summary>Signature and IL bytes: compressed integers (ECMA-335 II.23.2) and coded type tokens.</summary>
internal sealed class Bytes
{
    private readonly List<byte> _bytes = new();

    public Bytes Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public Bytes Compressed(int value)
    {
        if (value < 0x80)
        {
            return Raw((byte)value);
        }

        return value < 0x4000
            ? Raw((byte)(0x80 | (value >> 8)), (byte)value)
            : Raw((byte)(0xC0 | (value >> 24)), (byte)(value >> 16), (byte)(value >> 8), (byte)value);
    }

    /// <summary>A TypeDefOrRefOrSpec coded index.</summary>
    public Bytes Type(EntityHandle handle) => Compressed(CodedIndex.TypeDefOrRefOrSpec(handle));

    public Bytes Token(EntityHandle handle) => Int32(MetadataTokens.GetToken(handle));

    public Bytes Int32(int value) => Raw(BitConverter.GetBytes(value));

    public Bytes Repeat(int count, params byte[] bytes)
    {
        for (int i = 0; i < count; i++)
        {
            _bytes.AddRange(bytes);
        }

        return this;
    }

    public byte[] ToArray() => _bytes.ToArray();
}
