using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Collections.Immutable;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace NexOS.Tests.Layering;

/// <summary>One use of a type by another: <see cref="From"/> (a type defined in the assembly)
/// names <see cref="To"/>, which is defined in the same assembly (<see cref="ToAssembly"/> is
/// null) or in the assembly <see cref="ToAssembly"/>. Nested types count as their outermost
/// declaring type; names are namespace-qualified.</summary>
internal readonly record struct TypeUse(string From, string To, string? ToAssembly);

/// <summary>
/// Which types an assembly's types name, read from the compiled IL rather than the source:
/// base types and interfaces, field types, method signatures and locals, and every type,
/// method and field token in method bodies. What the compiler resolved is what counts, so a
/// name reached through a parent namespace, a <c>using static</c> or an alias cannot hide.
/// </summary>
internal static class TypeReferenceGraph
{
    private static readonly Dictionary<short, OperandType> s_operandTypes = ReadOperandTypes();

    /// <summary>Every distinct (from, to) pair in <paramref name="assemblyPath"/>, self
    /// references left out.</summary>
    public static IReadOnlyList<TypeUse> Read(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        MetadataReader md = pe.GetMetadataReader();
        var collector = new Collector(md);
        var result = new HashSet<TypeUse>();
        foreach (TypeDefinitionHandle handle in md.TypeDefinitions)
        {
            collector.Clear();
            CollectType(pe, md, handle, collector);
            string from = collector.NameOf(handle);
            foreach (TypeUse reference in collector.Found(from))
            {
                result.Add(reference);
            }
        }

        return result.OrderBy(r => r.From, StringComparer.Ordinal).ThenBy(r => r.To, StringComparer.Ordinal).ToList();
    }

    private static void CollectType(PEReader pe, MetadataReader md, TypeDefinitionHandle handle, Collector collector)
    {
        TypeDefinition type = md.GetTypeDefinition(handle);
        collector.Add(type.BaseType);
        foreach (InterfaceImplementationHandle i in type.GetInterfaceImplementations())
        {
            collector.Add(md.GetInterfaceImplementation(i).Interface);
        }

        foreach (FieldDefinitionHandle f in type.GetFields())
        {
            md.GetFieldDefinition(f).DecodeSignature(collector, null);
        }

        foreach (MethodDefinitionHandle m in type.GetMethods())
        {
            MethodDefinition method = md.GetMethodDefinition(m);
            method.DecodeSignature(collector, null);
            if (method.RelativeVirtualAddress != 0)
            {
                CollectBody(pe.GetMethodBody(method.RelativeVirtualAddress), md, collector);
            }
        }
    }

    private static void CollectBody(MethodBodyBlock body, MetadataReader md, Collector collector)
    {
        if (!body.LocalSignature.IsNil)
        {
            md.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(collector, null);
        }

        BlobReader il = body.GetILReader();
        while (il.RemainingBytes > 0)
        {
            short opcode = il.ReadByte();
            if (opcode == 0xFE)
            {
                opcode = (short)(0xFE00 | il.ReadByte());
            }

            if (!s_operandTypes.TryGetValue(opcode, out OperandType operand))
            {
                throw new InvalidDataException($"unknown IL opcode 0x{opcode:X} at offset {il.Offset}");
            }

            SkipOrCollect(ref il, operand, collector);
        }
    }

    private static void SkipOrCollect(ref BlobReader il, OperandType operand, Collector collector)
    {
        switch (operand)
        {
            case OperandType.InlineNone:
                break;
            case OperandType.ShortInlineBrTarget:
            case OperandType.ShortInlineI:
            case OperandType.ShortInlineVar:
                il.ReadByte();
                break;
            case OperandType.InlineVar:
                il.ReadInt16();
                break;
            case OperandType.InlineI8:
            case OperandType.InlineR:
                il.ReadInt64();
                break;
            case OperandType.InlineSwitch:
                int targets = il.ReadInt32();
                il.Offset += targets * 4;
                break;
            case OperandType.InlineMethod:
            case OperandType.InlineField:
            case OperandType.InlineType:
            case OperandType.InlineTok:
                collector.Add(MetadataTokens.EntityHandle(il.ReadInt32()));
                break;
            default:
                il.ReadInt32(); // branch targets, int32 and float32 constants, strings, calli signatures
                break;
        }
    }

    private static Dictionary<short, OperandType> ReadOperandTypes()
    {
        var table = new Dictionary<short, OperandType>();
        foreach (var field in typeof(OpCodes).GetFields())
        {
            if (field.GetValue(null) is OpCode op)
            {
                table[op.Value] = op.OperandType;
            }
        }

        return table;
    }

    /// <summary>Gathers the types one type names; doubles as the signature decoder (whose
    /// own results are unused: decoding visits every type in a signature, generic arguments
    /// included, and the visit records it).</summary>
    private sealed class Collector(MetadataReader md) : ISignatureTypeProvider<int, object?>
    {
        private readonly HashSet<TypeDefinitionHandle> _local = [];
        private readonly HashSet<(string Name, string Assembly)> _external = [];

        public void Clear()
        {
            _local.Clear();
            _external.Clear();
        }

        public IEnumerable<TypeUse> Found(string from)
        {
            foreach (TypeDefinitionHandle h in _local)
            {
                string to = NameOf(h);
                if (to != from)
                {
                    yield return new TypeUse(from, to, null);
                }
            }

            foreach ((string name, string assembly) in _external)
            {
                yield return new TypeUse(from, name, assembly);
            }
        }

        /// <summary>The namespace-qualified name of a type, nested types as their outermost
        /// declaring type.</summary>
        public string NameOf(TypeDefinitionHandle handle)
        {
            TypeDefinition type = md.GetTypeDefinition(handle);
            while (type.IsNested)
            {
                type = md.GetTypeDefinition(type.GetDeclaringType());
            }

            return Qualify(md.GetString(type.Namespace), md.GetString(type.Name));
        }

        public void Add(EntityHandle handle)
        {
            if (handle.IsNil)
            {
                return;
            }

            switch (handle.Kind)
            {
                case HandleKind.TypeDefinition:
                    _local.Add((TypeDefinitionHandle)handle);
                    break;
                case HandleKind.TypeReference:
                    AddReference((TypeReferenceHandle)handle);
                    break;
                case HandleKind.TypeSpecification:
                    md.GetTypeSpecification((TypeSpecificationHandle)handle).DecodeSignature(this, null);
                    break;
                case HandleKind.MethodDefinition:
                    _local.Add(md.GetMethodDefinition((MethodDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.FieldDefinition:
                    _local.Add(md.GetFieldDefinition((FieldDefinitionHandle)handle).GetDeclaringType());
                    break;
                case HandleKind.MemberReference:
                    MemberReference member = md.GetMemberReference((MemberReferenceHandle)handle);
                    Add(member.Parent);
                    if (member.GetKind() == MemberReferenceKind.Method)
                    {
                        member.DecodeMethodSignature(this, null);
                    }
                    else
                    {
                        member.DecodeFieldSignature(this, null);
                    }

                    break;
                case HandleKind.MethodSpecification:
                    MethodSpecification spec = md.GetMethodSpecification((MethodSpecificationHandle)handle);
                    Add(spec.Method);
                    spec.DecodeSignature(this, null);
                    break;
            }
        }

        private void AddReference(TypeReferenceHandle handle)
        {
            TypeReference type = md.GetTypeReference(handle);
            while (type.ResolutionScope.Kind == HandleKind.TypeReference)
            {
                type = md.GetTypeReference((TypeReferenceHandle)type.ResolutionScope);
            }

            if (type.ResolutionScope.Kind == HandleKind.AssemblyReference)
            {
                string assembly = md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)type.ResolutionScope).Name);
                _external.Add((Qualify(md.GetString(type.Namespace), md.GetString(type.Name)), assembly));
            }
        }

        private static string Qualify(string ns, string name) => ns.Length == 0 ? name : ns + "." + name;

        public int GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        {
            _local.Add(handle);
            return 0;
        }

        public int GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        {
            AddReference(handle);
            return 0;
        }

        public int GetTypeFromSpecification(MetadataReader reader, object? context, TypeSpecificationHandle handle, byte rawTypeKind)
        {
            reader.GetTypeSpecification(handle).DecodeSignature(this, context);
            return 0;
        }

        public int GetArrayType(int elementType, ArrayShape shape) => 0;

        public int GetByReferenceType(int elementType) => 0;

        public int GetPointerType(int elementType) => 0;

        public int GetSZArrayType(int elementType) => 0;

        public int GetPinnedType(int elementType) => 0;

        public int GetPrimitiveType(PrimitiveTypeCode typeCode) => 0;

        public int GetGenericInstantiation(int genericType, ImmutableArray<int> typeArguments) => 0;

        public int GetGenericMethodParameter(object? genericContext, int index) => 0;

        public int GetGenericTypeParameter(object? genericContext, int index) => 0;

        public int GetFunctionPointerType(MethodSignature<int> signature) => 0;

        public int GetModifiedType(int modifier, int unmodifiedType, bool isRequired) => 0;
    }
}
