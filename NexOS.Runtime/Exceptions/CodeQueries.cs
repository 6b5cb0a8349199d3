using System.Runtime;

namespace NexOS.Runtime.Exceptions;

/// <summary>Questions the class library asks about code addresses: which method, which class
/// library, where an unboxing stub leads.</summary>
internal static unsafe class CodeQueries
{
    [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")]
    private static void* ClasslibFunctionFromCodeAddress(nint address, int id) =>
        ImageLayout.IsManagedCode((ulong)address) ? ClasslibFunction(id) : null;

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

    /// <summary>
    /// The return addresses of the running thread's managed frames at and above
    /// <paramref name="addressInCurrentFrame"/>, innermost first (Environment.StackTrace and
    /// new StackTrace() use this). Returns the count, or minus the count needed when the
    /// buffer is too small.
    /// </summary>
    [RuntimeExport("RhpGetCurrentThreadStackTrace")]
    private static int GetCurrentThreadStackTrace(nint* buffer, uint length, nuint addressInCurrentFrame)
    {
        LimitedContext context;
        CaptureContext(&context);
        RegDisplay regs = default;
        regs.PRbp = &context.Rbp;
        regs.PRbx = &context.Rbx;
        regs.PR12 = &context.R12;
        regs.PR13 = &context.R13;
        regs.PR14 = &context.R14;
        regs.PR15 = &context.R15;
        regs.Sp = context.Rsp;
        regs.Ip = context.Ip;
        int count = 0;
        for (int depth = 0; depth < 256 && ImageLayout.IsManagedCode(regs.Ip); depth++)
        {
            if (regs.Sp >= addressInCurrentFrame)
            {
                if ((uint)count < length)
                {
                    buffer[count] = (nint)regs.Ip;
                }

                count++;
            }

            ulong pc = regs.Ip - 1;
            ulong sp = regs.Sp;
            if (!Cfi.TryFindFde(pc, out Cfi.Fde fde) || !Cfi.TryComputeRow(in fde, pc, out Cfi.Row row)
                || !Cfi.Apply(in row, ref regs) || regs.Sp <= sp)
            {
                break;
            }
        }

        return (uint)count <= length ? count : -count;
    }

    [System.Runtime.RuntimeImport("*", "nexos_capture_context"), System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.InternalCall)]
    private static extern void CaptureContext(LimitedContext* context);

    [RuntimeExport("NexOSThrowNullReferenceAtCall")]
    private static void ThrowNullReferenceAtCall() => throw new NullReferenceException();

    private static ulong FollowUnboxingStub(ulong code)
    {
        if (code < ImageLayout.UnboxStubsStart || code >= ImageLayout.UnboxStubsEnd)
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
