using System.Collections.Immutable;
using System.IO;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace NexOS.PatchTool;

/// <summary>
/// A compiled policy assembly opened for reading with System.Reflection.Metadata: nothing in it
/// is loaded or run. Finds one static method by "Type.Method" and hands out its IL, header and
/// signature.
/// </summary>
public sealed class PolicyAssembly : IDisposable
{
    private readonly PEReader _pe;

    private PolicyAssembly(PEReader pe, MetadataReader reader, string path)
    {
        _pe = pe;
        Reader = reader;
        Path = path;
    }

    /// <summary>The assembly's metadata.</summary>
    public MetadataReader Reader { get; }

    /// <summary>Where it was read from.</summary>
    public string Path { get; }

    /// <summary>Opens an assembly from its bytes; a file that is not a .NET assembly (or is cut
    /// short) is rejected with a one-line reason.</summary>
    public static PolicyAssembly Open(string path, byte[] bytes)
    {
        var pe = new PEReader(ImmutableArray.Create(bytes));
        try
        {
            if (!pe.HasMetadata)
            {
                throw new PolicyRejectedException($"{path} is not a .NET assembly (no CLI metadata)");
            }

            // The metadata can sit well before the end, so a file cut short may still parse:
            // compare the file with the extent its own section table declares.
            long declared = 0;
            foreach (SectionHeader section in pe.PEHeaders.SectionHeaders)
            {
                declared = Math.Max(declared, (long)section.PointerToRawData + section.SizeOfRawData);
            }

            if (declared > bytes.Length)
            {
                throw new PolicyRejectedException($"{path} is truncated: its sections end at byte {declared}, but the file has {bytes.Length}");
            }

            MetadataReader reader = pe.GetMetadataReader();
            return new PolicyAssembly(pe, reader, path);
        }
        catch (PolicyRejectedException)
        {
            pe.Dispose();
            throw;
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            pe.Dispose();
            throw new PolicyRejectedException($"{path} is not a readable .NET assembly ({e.Message.TrimEnd('.')})");
        }
    }

    /// <summary>Opens an assembly file.</summary>
    public static PolicyAssembly Open(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicyRejectedException($"cannot read {path}: {e.Message}");
        }

        return Open(path, bytes);
    }

    /// <summary>Finds the static method named by "Type.Method" (Type may be a full name
    /// "Namespace.Type" or, when unique, the simple name).</summary>
    public MethodDefinitionHandle FindMethod(string qualifiedName)
    {
        int dot = qualifiedName.LastIndexOf('.');
        if (dot <= 0 || dot == qualifiedName.Length - 1)
        {
            throw new PolicyRejectedException($"'{Names.Cut(qualifiedName)}' is not of the form Type.Method");
        }

        string typeName = qualifiedName[..dot];
        string methodName = qualifiedName[(dot + 1)..];
        var types = new List<TypeDefinitionHandle>();
        foreach (TypeDefinitionHandle handle in Reader.TypeDefinitions)
        {
            string full = TypeNames.UncutFullName(Reader, handle);
            string simple = Reader.GetString(Reader.GetTypeDefinition(handle).Name);
            if (full == typeName || (!typeName.Contains('.') && simple == typeName))
            {
                types.Add(handle);
            }
        }

        if (types.Count == 0)
        {
            throw new PolicyRejectedException($"no type '{Names.Cut(typeName)}' in {Path}");
        }

        if (types.Count > 1)
        {
            throw new PolicyRejectedException($"type name '{Names.Cut(typeName)}' is ambiguous in {Path}; give the full name with its namespace");
        }

        var found = new List<MethodDefinitionHandle>();
        foreach (MethodDefinitionHandle handle in Reader.GetTypeDefinition(types[0]).GetMethods())
        {
            if (Reader.GetString(Reader.GetMethodDefinition(handle).Name) == methodName)
            {
                found.Add(handle);
            }
        }

        if (found.Count == 0)
        {
            throw new PolicyRejectedException($"no method '{Names.Cut(methodName)}' in type {TypeNames.FullName(Reader, types[0])}");
        }

        if (found.Count > 1)
        {
            throw new PolicyRejectedException($"method '{Names.Cut(methodName)}' is overloaded; a policy method must have a unique name");
        }

        MethodDefinition method = Reader.GetMethodDefinition(found[0]);
        if ((method.Attributes & MethodAttributes.Static) == 0)
        {
            throw new PolicyRejectedException($"{Names.Cut(qualifiedName)} is not static; a policy is a static method");
        }

        if (method.GetGenericParameters().Count > 0)
        {
            throw new PolicyRejectedException($"{Names.Cut(qualifiedName)} is generic; a policy method may not be");
        }

        return found[0];
    }

    /// <summary>The method's IL body; rejects methods without one.</summary>
    public MethodBodyBlock GetBody(MethodDefinitionHandle handle, string qualifiedName)
    {
        MethodDefinition method = Reader.GetMethodDefinition(handle);
        if (method.RelativeVirtualAddress == 0)
        {
            throw new PolicyRejectedException($"{qualifiedName} has no IL body (abstract, extern or a runtime method)");
        }

        try
        {
            return _pe.GetMethodBody(method.RelativeVirtualAddress);
        }
        catch (Exception e) when (e is BadImageFormatException or InvalidOperationException or ArgumentException or OverflowException)
        {
            throw new PolicyRejectedException($"the IL body of {qualifiedName} cannot be read ({e.Message.TrimEnd('.')})");
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _pe.Dispose();
}
