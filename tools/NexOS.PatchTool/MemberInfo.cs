using System.Reflection.Metadata;

namespace NexOS.PatchTool;

/// <summary>What a token in policy IL refers to, decoded from metadata: the declaring type's
/// identity, the member's name (uncut) and its decoded signature.</summary>
internal sealed class MemberInfo
{
    private MemberInfo(string kind, TypeIdentity? declaringType, string name, bool definedHere)
    {
        Kind = kind;
        DeclaringType = declaringType;
        Name = name;
        DefinedHere = definedHere;
    }

    /// <summary>"field", "method", "generic method", "type", "string" or "other".</summary>
    public string Kind { get; }

    /// <summary>Who declares the member; null for members of constructed types (type specifications).</summary>
    public TypeIdentity? DeclaringType { get; }

    /// <summary>The member's name as stored (uncut).</summary>
    public string Name { get; }

    /// <summary>Whether the policy assembly defines the member itself (a MethodDef or FieldDef token).</summary>
    public bool DefinedHere { get; }

    /// <summary>A field's type.</summary>
    public TypeShape? FieldType { get; private init; }

    /// <summary>A method's signature.</summary>
    public MethodShape? Method { get; private init; }

    public bool IsField => Kind == "field";

    public bool IsMethod => Kind == "method";

    /// <summary>"Type.Member" or "Type.Method(int32,int32)", names cut for a one-line message.</summary>
    public string Display
    {
        get
        {
            string owner = DeclaringType?.FullName ?? (Kind is "field" or "method" or "generic method" ? "(a constructed type)" : string.Empty);
            string member = owner.Length > 0 ? $"{owner}.{Names.Cut(Name)}" : Names.Cut(Name);
            return Method is { } m ? member + m.ParameterList : member;
        }
    }

    /// <summary>Decodes what <paramref name="handle"/> names; <paramref name="at"/> places it in messages.</summary>
    public static MemberInfo Read(MetadataReader reader, EntityHandle handle, string at)
    {
        switch (handle.Kind)
        {
            case HandleKind.FieldDefinition:
            {
                FieldDefinition field = reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                return new MemberInfo("field", TypeIdentity.Of(reader, field.GetDeclaringType()), reader.GetString(field.Name), true)
                {
                    FieldType = SignatureDecoder.Field(reader, field.Signature, at),
                };
            }

            case HandleKind.MethodDefinition:
            {
                MethodDefinition method = reader.GetMethodDefinition((MethodDefinitionHandle)handle);
                return new MemberInfo("method", TypeIdentity.Of(reader, method.GetDeclaringType()), reader.GetString(method.Name), true)
                {
                    Method = SignatureDecoder.Method(reader, method.Signature, at),
                };
            }

            case HandleKind.MemberReference:
            {
                MemberReference member = reader.GetMemberReference((MemberReferenceHandle)handle);
                TypeIdentity? parent = TypeIdentity.Of(reader, member.Parent);
                string name = reader.GetString(member.Name);
                return member.GetKind() == MemberReferenceKind.Field
                    ? new MemberInfo("field", parent, name, false) { FieldType = SignatureDecoder.Field(reader, member.Signature, at) }
                    : new MemberInfo("method", parent, name, false) { Method = SignatureDecoder.Method(reader, member.Signature, at) };
            }

            case HandleKind.MethodSpecification:
            {
                MethodSpecification spec = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                MemberInfo generic = Read(reader, spec.Method, at);
                return new MemberInfo("generic method", generic.DeclaringType, generic.Name + "<...>", generic.DefinedHere);
            }

            case HandleKind.TypeDefinition:
            case HandleKind.TypeReference:
                return new MemberInfo("type", null, "type " + TypeIdentity.Of(reader, handle)!.FullName, false);

            case HandleKind.TypeSpecification:
                return new MemberInfo("type", null, "a constructed type", false);

            default:
                return new MemberInfo("other", null, $"a metadata {handle.Kind} entry", false);
        }
    }
}
