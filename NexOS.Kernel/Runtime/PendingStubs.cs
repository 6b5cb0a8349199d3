using System.Runtime;

namespace NexOS.Kernel.Runtime;

internal static unsafe class PendingStubs
{
    [RuntimeExport("RhpThrowEx")] private static void A() => Panic.Halt("RhpThrowEx");
    [RuntimeExport("RhpRethrow")] private static void B() => Panic.Halt("RhpRethrow");
    [RuntimeExport("RhpSfiInit")] private static void C() => Panic.Halt("RhpSfiInit");
    [RuntimeExport("RhpSfiNext")] private static void D() => Panic.Halt("RhpSfiNext");
    [RuntimeExport("RhpEHEnumInitFromStackFrameIterator")] private static void E() => Panic.Halt("EHEnumInit");
    [RuntimeExport("RhpEHEnumNext")] private static void F() => Panic.Halt("EHEnumNext");
    [RuntimeExport("RhpCallCatchFunclet")] private static void G() => Panic.Halt("catch");
    [RuntimeExport("RhpCallFilterFunclet")] private static void H() => Panic.Halt("filter");
    [RuntimeExport("RhpCallFinallyFunclet")] private static void I() => Panic.Halt("finally");
    [RuntimeExport("RhpGetClasslibFunctionFromCodeAddress")] private static void J() => Panic.Halt("clf");
    [RuntimeExport("RhpGetClasslibFunctionFromEEType")] private static void K() => Panic.Halt("clf2");
    [RuntimeExport("RhFindMethodStartAddress")] private static void L() => Panic.Halt("fmsa");
    [RuntimeExport("RhGetCodeTarget")] private static void M() => Panic.Halt("gct");
    [RuntimeExport("RhpGetCurrentThreadStackTrace")] private static void N() => Panic.Halt("st");
    [RuntimeExport("RhpGetThreadAbortException")] private static void O() => Panic.Halt("tae");
    [RuntimeExport("RhGetTargetOfUnboxingAndInstantiatingStub")] private static void P() => Panic.Halt("unbox");
    [RuntimeExport("RhpInitialDynamicInterfaceDispatch")] private static void Q() => Panic.Halt("dispatch");
    [RuntimeExport("RhpGetDispatchCellInfo")] private static void R() => Panic.Halt("cellinfo");
    [RuntimeExport("RhpSearchDispatchCellCache")] private static void S() => Panic.Halt("search");
    [RuntimeExport("RhpUpdateDispatchCellCache")] private static void T() => Panic.Halt("update");
}
