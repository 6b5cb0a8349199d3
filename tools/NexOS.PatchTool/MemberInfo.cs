using System.Reflection.Metadata;

namespace NexOS.PatchTool;

/// <summary>What a field or method token in policy IL refers to, decoded from metadata.</summary>
internal sealed class MemberInfo
{
    private MemberInfo(string declaringType, string name, TypeShape? fieldType, MethodSignature<TypeShape>? methodSignature, string kind)
    {
        DeclaringType = declaringType;
        Name = name;
        FieldType = fieldType;
        MethodSignature = methodSignature;
        Kind = kind;
    }

    public string DeclaringType { get; }

    public string Name { get; }

    public TypeShape? FieldType { get; }

    public MethodSignature<TypeShape>? MethodSignature { get; }

    public string Kind { get; }

    public bool IsField => Kind == "field";

    public bool IsMethod => Kind == "method";

    /// <summary>"Type.Member" or "Type.Method(int32,int32)".</summary>
    public string Display => MethodSignature is { } s
        ? $"{DeclaringType}.{Name}({string.Join(",", s.ParameterTypes)})"
        : DeclaringType.Length > 0 ? $"{DeclaringType}.{Name}" : Name;

    public static MemberInfo Read(MetadataReader reader, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.FieldDefinition:
            {
                FieldDefinition field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                return new MemberInfo(TypeShapeProvider.FullName(reader, field.GetDeclaringType()), reader.GetString(field.Name),
                    field.DecodeSignature(TypeShapeProvider.Instance, null), null, "field");
            }

            case HandleKind.MethodDefinition:
            {
                MethodDefinition method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                return new MemberInfo(TypeShapeProvider.FullName(reader, method.GetDeclaringType()), reader.GetString(method.Name),
                    null, method.DecodeSignature(TypeShapeProvider.Instance, null), "method");
            }

            case HandleKind.MemberReference:
            {
                MemberReference member = reader.GetMemberReference((MemberReferenceHandle)handle);
                string parent = TypeShapeProvider.FullName(reader, member.Parent) ?? "(a constructed type)";
                string name = reader.GetString(member.Name);
                return member.GetKind() == MemberReferenceKind.Field
                    ? new MemberInfo(parent, name, member.DecodeFieldSignature(TypeShapeProvider.Instance, null), null, "field")
                    : new MemberInfo(parent, name, null, member.DecodeMethodSignature(TypeShapeProvider.Instance, null), "method");
            }

            case HandleKind.MethodSpecification:
            {
                MethodSpecification spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                MemberInfo generic = Read(reader, spec.Method);
                return new MemberInfo(generic.DeclaringType, generic.Name + "<...>", null, null, "generic method");
            }

            case HandleKind.TypeDefinition:
            case HandleKind.TypeReference:
                return new MemberInfo(string.Empty, "type " + TypeShapeProvider.FullName(reader, handle), null, null, "type");

            case HandleKind.UserString:
                return new MemberInfo(string.Empty, "a string literal", null, null, "string");

            default:
                return new MemberInfo(string.Empty, $"a metadata {handle.Kind} entry", null, null, "other");
        }
    }
}
