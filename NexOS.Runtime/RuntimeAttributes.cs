// ilc recognises these attributes by their full names, whichever assembly defines them.
// CoreLib has its own internal copies, which kernel code cannot see.
namespace System.Runtime;

/// <summary>Gives a managed method a symbol that native code and compiled code can call
/// (with the managed calling convention, which on x64 Linux is the System V ABI).</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RuntimeExportAttribute : Attribute
{
    public RuntimeExportAttribute(string entry) => Entry = entry;

    public string Entry { get; }
}

/// <summary>Binds an extern method to a native symbol, called directly without a P/Invoke
/// transition.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RuntimeImportAttribute : Attribute
{
    public RuntimeImportAttribute(string library, string entry)
    {
        Library = library;
        Entry = entry;
    }

    public string Library { get; }

    public string Entry { get; }
}
