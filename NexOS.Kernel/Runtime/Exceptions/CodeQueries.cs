using System.Runtime;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Runtime.Exceptions;

/// <summary>Questions the class library asks about code addresses: which method, which class
/// library, where an unboxing stub leads.</summary>
internal static unsafe class CodeQueries
{
    [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")]
    private static void* ClasslibFunctionFromCodeAddress(nint address, int id) =>
        KernelImage.IsManagedCode((ulong)address) ? ClasslibFunction(id) : null;

    [RuntimeExport("RhpGetClasslibFunctionFromEEType")]
    private static void* ClasslibFunctionFromType(void* type, int id) => ClasslibFunction(id);

    /// <summary>The start of the main body of the method containing the address (a funclet's
    /// address maps to its parent), or 0 outside managed code.</summary>
    [RuntimeExport("RhFindMethodStartAddress")]
    private static nint FindMethodStartAddress(nint address) =>
        MethodInfo.TryFind((ulong)address, out MethodInfo info, out _) ? (nint)info.MethodStart : 0;

    /// <summary>Follows an unboxing stub ("add rdi, 8" then a jump) to the method it calls.</summary>
    [RuntimeExport("RhGetCodeTarget")]
    private static nint GetCodeTarget(nint code)
    {
        ulong target = FollowUnboxingStub((ulong)code);
        return target == 0 ? code : (nint)target;
    }

    [RuntimeExport("RhGetTargetOfUnboxingAndInstantiatingStub")]
    private static nint GetTargetOfUnboxingAndInstantiatingStub(nint code) =>

        // ilc places instantiating unboxing stubs with the plain ones; a non-stub gives 0.
        (nint)FollowUnboxingStub((ulong)code);

    [RuntimeExport("RhpGetThreadAbortException")]
    private static void* GetThreadAbortException() => null;

    // FIXME: Environment.StackTrace and new StackTrace() see no frames yet; exception stack
    // traces do not depend on this (the dispatcher records them as it walks).
    [RuntimeExport("RhpGetCurrentThreadStackTrace")]
    private static int GetCurrentThreadStackTrace(nint* buffer, uint length, nuint addressInCurrentFrame) => 0;

    [RuntimeExport("NexOSThrowNullReferenceAtCall")]
    private static void ThrowNullReferenceAtCall() => throw new NullReferenceException();

    private static ulong FollowUnboxingStub(ulong code)
    {
        if (code < KernelImage.UnboxStubsStart || code >= KernelImage.UnboxStubsEnd)
        {
            return 0;
        }

        byte* p = (byte*)code;
        if (p[0] == 0x48 && p[1] == 0x83 && p[2] == 0xC7 && p[3] == 0x08)
        {
            p += 4;
        }

        if (p[0] == 0xE9)
        {
            return (ulong)(p + 5 + *(int*)(p + 1));
        }

        if (p[0] == 0xFF && p[1] == 0x25)
        {
            return *(ulong*)(p + 6 + *(int*)(p + 2));
        }

        return 0;
    }

    private static void* ClasslibFunction(int id)
    {
        TypeManager* module = Modules.KernelModule;
        return module == null || (uint)id >= (uint)module->ClasslibFunctionCount ? null : (void*)module->ClasslibFunctions[id];
    }
}
