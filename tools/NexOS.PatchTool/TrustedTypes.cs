using NexOS.Security.Patching;

namespace NexOS.PatchTool;

/// <summary>
/// The only types a policy may name, by identity: the SDK's context structs and helpers
/// (assembly NexOS.PatchSdk with the SDK's public key), and System.Math and InAttribute of the
/// .NET core library (its reference or implementation assemblies, each with Microsoft's public
/// key). A type that only looks like one of these (its own System.Math, an assembly named
/// NexOS.PatchSdk without the key) names nothing the tool binds.
/// </summary>
public static class TrustedTypes
{
    /// <summary>The SDK's assembly name.</summary>
    public const string SdkAssembly = "NexOS.PatchSdk";

    /// <summary>The SDK's public key token: the last 8 bytes of the SHA-1 of the public key in
    /// tools/NexOS.PatchSdk/NexOS.PatchSdk.snk, reversed. A host test compares it with the built SDK.</summary>
    public const string SdkKeyToken = "5b43c514b1b82720";

    /// <summary>The SDK's namespace.</summary>
    public const string SdkNamespace = "NexOS.Policy";

    // The assemblies that define or forward System.Math in .NET: the reference assemblies a
    // project compiles against and the implementation CoreLib, with the keys Microsoft signs them with.
    private static readonly (string Name, string Token)[] s_coreLibraries =
    {
        ("System.Runtime", "b03f5f7f11d50a3a"),
        ("System.Runtime.Extensions", "b03f5f7f11d50a3a"),
        ("System.Private.CoreLib", "7cec85d7bea7798e"),
        ("netstandard", "cc7b13ffcd2ddd51"),
        ("mscorlib", "b77a5c561934e089"),
    };

    /// <summary>The SDK's helpers class.</summary>
    public static TypeIdentity SdkHelpers { get; } = Sdk("Helpers");

    /// <summary>The SDK's context struct of <paramref name="hook"/>, or null for a hook the SDK does not cover.</summary>
    public static TypeIdentity? ContextOf(string hook) => hook switch
    {
        HookCatalog.TimeSliceName => Sdk("TimeSliceContext"),
        HookCatalog.PriorityName => Sdk("PriorityContext"),
        HookCatalog.GcBudgetName => Sdk("GcBudgetContext"),
        _ => null,
    };

    /// <summary>Whether <paramref name="type"/> is System.Math of the .NET core library.</summary>
    public static bool IsSystemMath(TypeIdentity type) => IsCoreLibrary(type, "System", "Math");

    /// <summary>Whether <paramref name="type"/> is System.Runtime.InteropServices.InAttribute of the
    /// .NET core library: the modifier C# writes on an <c>in</c> parameter.</summary>
    public static bool IsInAttribute(TypeIdentity type) => IsCoreLibrary(type, "System.Runtime.InteropServices", "InAttribute");

    private static bool IsCoreLibrary(TypeIdentity type, string ns, string name)
    {
        if (type.Namespace != ns || type.Name != name)
        {
            return false;
        }

        foreach ((string assembly, string token) in s_coreLibraries)
        {
            if (type.Assembly == assembly && type.PublicKeyToken == token)
            {
                return true;
            }
        }

        return false;
    }

    private static TypeIdentity Sdk(string name) => new(SdkAssembly, SdkKeyToken, SdkNamespace, name);
}
