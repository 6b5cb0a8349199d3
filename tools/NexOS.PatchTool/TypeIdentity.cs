using System.Reflection;
using System.Reflection.Metadata;
using System.Security.Cryptography;

namespace NexOS.PatchTool;

/// <summary>
/// Who a named type is: the assembly that defines it (by simple name and public key token, or
/// the policy assembly itself) and its namespace and name. Two references name the same type
/// exactly when their identities are equal, whatever their metadata rows or display names.
/// </summary>
/// <param name="Assembly">The defining assembly's simple name; <see cref="PolicyAssembly"/> for
/// a type the policy assembly defines itself.</param>
/// <param name="PublicKeyToken">The defining assembly's public key token in lowercase hex, or
/// empty when it has none (and for the policy assembly's own types).</param>
/// <param name="Namespace">The namespace, uncut.</param>
/// <param name="Name">The type's name, uncut; a nested type's is "Outer+Inner".</param>
public sealed record TypeIdentity(string Assembly, string PublicKeyToken, string Namespace, string Name)
{
    /// <summary>The <see cref="Assembly"/> of types the policy assembly defines itself.</summary>
    public const string PolicyAssembly = "(the policy assembly)";

    /// <summary>The <see cref="Assembly"/> of a type whose scope is not an assembly reference
    /// (a module reference, an exported type, or nothing).</summary>
    public const string UnknownAssembly = "(an unknown scope)";

    /// <summary>"Namespace.Name", cut to a readable length for messages.</summary>
    public string FullName => Names.Cut(Namespace.Length == 0 ? Name : Namespace + "." + Name);

    /// <summary>"Namespace.Name from Assembly (key token)": what a message says of a type whose
    /// origin matters.</summary>
    public string Describe() => $"{FullName} from {Names.Cut(Assembly)}" + (PublicKeyToken.Length == 0 ? " (no public key)" : $" (key token {PublicKeyToken})");

    /// <inheritdoc/>
    public override string ToString() => FullName;

    /// <summary>The identity of a type definition of the policy assembly.</summary>
    public static TypeIdentity Of(MetadataReader reader, TypeDefinitionHandle handle)
    {
        return new TypeIdentity(PolicyAssembly, string.Empty, TypeNames.Namespace(reader, handle), TypeNames.NestedName(reader, handle));
    }

    /// <summary>The identity of a type reference: the assembly reference at the end of its
    /// chain of resolution scopes (nested types), checked for depth.</summary>
    public static TypeIdentity Of(MetadataReader reader, TypeReferenceHandle handle)
    {
        TypeReferenceHandle outermost = TypeNames.Outermost(reader, handle);
        TypeReference outer = reader.GetTypeReference(outermost);
        string ns = reader.GetString(outer.Namespace);
        string name = TypeNames.NestedName(reader, handle);
        if (outer.ResolutionScope.Kind == HandleKind.AssemblyReference)
        {
            AssemblyReference assembly = reader.GetAssemblyReference((AssemblyReferenceHandle)outer.ResolutionScope);
            return new TypeIdentity(reader.GetString(assembly.Name), Token(reader, assembly), ns, name);
        }

        if (outer.ResolutionScope.Kind == HandleKind.ModuleDefinition)
        {
            return new TypeIdentity(PolicyAssembly, string.Empty, ns, name);
        }

        return new TypeIdentity(UnknownAssembly, string.Empty, ns, name);
    }

    /// <summary>The identity of a type definition or reference; null for a type specification
    /// (a constructed type has no single identity) or any other handle.</summary>
    public static TypeIdentity? Of(MetadataReader reader, EntityHandle handle) => handle.Kind switch
    {
        HandleKind.TypeDefinition => Of(reader, (TypeDefinitionHandle)handle),
        HandleKind.TypeReference => Of(reader, (TypeReferenceHandle)handle),
        _ => null,
    };

    /// <summary>The public key token of an assembly reference, lowercase hex: the stored token,
    /// or the last 8 bytes of the SHA-1 of a full public key, reversed (ECMA-335 II.6.2.1.3).
    /// Empty when the reference has neither, or a token of the wrong length.</summary>
    public static string Token(MetadataReader reader, AssemblyReference assembly)
    {
        byte[] blob = reader.GetBlobBytes(assembly.PublicKeyOrToken);
        if (blob.Length == 0)
        {
            return string.Empty;
        }

        if ((assembly.Flags & AssemblyFlags.PublicKey) != 0)
        {
            // SHA-1 is what the format prescribes for tokens; it is not used for security here
            // beyond naming, as in the runtime itself.
#pragma warning disable CA5350
            byte[] hash = SHA1.HashData(blob);
#pragma warning restore CA5350
            blob = hash.AsSpan(hash.Length - 8).ToArray();
            Array.Reverse(blob);
        }

        return blob.Length == 8 ? Convert.ToHexString(blob).ToLowerInvariant() : string.Empty;
    }
}
