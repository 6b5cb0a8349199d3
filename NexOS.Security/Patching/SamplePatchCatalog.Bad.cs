namespace NexOS.Security.Patching;

/// <summary>The bad CIL bodies of the corpus, each with the one flaw its name says.</summary>
public static partial class SamplePatchCatalog
{
    private static byte[]? BuildBad(string name, ulong patchId)
    {
        string slice = HookCatalog.TimeSliceName;
        string priority = HookCatalog.PriorityName;
        switch (name)
        {
            case "loop": // i = 0; do i++ while (i < 1000000); ldarg.0; ldfld policy_slice_ns; ret
                return Cil(slice, patchId, name, new byte[]
                {
                    0x16, 0x0A, 0x06, 0x17, 0x58, 0x0A, 0x06, 0x20, 0x40, 0x42, 0x0F, 0x00, 0x32, 0xF4,
                    0x02, 0x7B, 1, 0, 0, 0x0A, 0x2A,
                }, Tokens(F("policy_slice_ns")), locals: 1);
            case "endless": // br.s -2 (to itself); ldc.i4.0; conv.i8; ret (unreachable)
                return Cil(slice, patchId, name, new byte[] { 0x2B, 0xFE, 0x16, 0x6A, 0x2A }, Tokens());
            case "unbalanced": // ldarg.0; ldfld priority; brtrue.s +1; ldc.i4.1; ldc.i4.2; ret
                return Cil(priority, patchId, name, new byte[] { 0x02, 0x7B, 1, 0, 0, 0x0A, 0x2D, 0x01, 0x17, 0x18, 0x2A }, Tokens(F("priority")));
            case "underflow": // add; ret
                return Cil(priority, patchId, name, new byte[] { 0x58, 0x2A }, Tokens());
            case "type-confusion": // ldc.i4.0; ldfld priority (an int where the context must be); ret
                return Cil(priority, patchId, name, new byte[] { 0x16, 0x7B, 1, 0, 0, 0x0A, 0x2A }, Tokens(F("priority")));
            case "mid-instruction": // br.s +1 (into ldc.i4.s's operand); ldc.i4.s 5; ret
                return Cil(priority, patchId, name, new byte[] { 0x2B, 0x01, 0x1F, 0x05, 0x2A }, Tokens());
            case "outside": // br.s +16; ret
                return Cil(priority, patchId, name, new byte[] { 0x2B, 0x10, 0x2A }, Tokens());
            case "bad-call": // call Kernel.Shutdown(); ret
                return Cil(priority, patchId, name, new byte[] { 0x28, 1, 0, 0, 0x0A, 0x2A }, Tokens(H("Kernel.Shutdown()")));
            case "write-outside": // ldc.i4.1; stloc.s 7 (one local declared); ldc.i4.0; ret
                return Cil(priority, patchId, name, new byte[] { 0x17, 0x13, 0x07, 0x16, 0x2A }, Tokens(), locals: 1);
            case "div-zero": // ldarg.0; ldfld priority; ldc.i4.0; div; ret
                return Cil(priority, patchId, name, new byte[] { 0x02, 0x7B, 1, 0, 0, 0x0A, 0x16, 0x5B, 0x2A }, Tokens(F("priority")));
            case "out-of-range": // ldc.i4.0; conv.i8; ret
                return Cil(slice, patchId, name, new byte[] { 0x16, 0x6A, 0x2A }, Tokens());
            case "harmful": // ldarg.0; ldfld policy_slice_ns; ldc.i4.4; conv.i8; mul; ret
                return Cil(slice, patchId, name, new byte[] { 0x02, 0x7B, 1, 0, 0, 0x0A, 0x1A, 0x6A, 0x5A, 0x2A }, Tokens(F("policy_slice_ns")));
            default:
                return null;
        }
    }
}
