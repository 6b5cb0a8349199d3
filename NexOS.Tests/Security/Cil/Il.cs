namespace NexOS.Tests.Security.Cil;

/// <summary>
/// ECMA-335 opcode bytes for the test assembler, written out independently of the verifier's
/// own tables so that the tests cross-check them. Two-byte opcodes are the byte after 0xFE.
/// </summary>
internal static class Il
{
    public const byte Nop = 0x00, Break = 0x01;
    public const byte Ldarg0 = 0x02, Ldarg1 = 0x03, Ldarg2 = 0x04, Ldarg3 = 0x05;
    public const byte Ldloc0 = 0x06, Ldloc1 = 0x07, Ldloc2 = 0x08, Ldloc3 = 0x09;
    public const byte Stloc0 = 0x0A, Stloc1 = 0x0B, Stloc2 = 0x0C, Stloc3 = 0x0D;
    public const byte LdargS = 0x0E, LdargaS = 0x0F, StargS = 0x10, LdlocS = 0x11, LdlocaS = 0x12, StlocS = 0x13;
    public const byte Ldnull = 0x14, LdcI4M1 = 0x15, LdcI40 = 0x16, LdcI4S = 0x1F, LdcI4 = 0x20, LdcI8 = 0x21, LdcR4 = 0x22, LdcR8 = 0x23;
    public const byte Dup = 0x25, Pop = 0x26, Jmp = 0x27, Call = 0x28, Calli = 0x29, Ret = 0x2A;
    public const byte BrS = 0x2B, BrfalseS = 0x2C, BrtrueS = 0x2D, BeqS = 0x2E, BgeS = 0x2F, BgtS = 0x30, BleS = 0x31, BltS = 0x32;
    public const byte BneUnS = 0x33, BgeUnS = 0x34, BgtUnS = 0x35, BleUnS = 0x36, BltUnS = 0x37;
    public const byte Br = 0x38, Brfalse = 0x39, Brtrue = 0x3A, Beq = 0x3B, Bge = 0x3C, Bgt = 0x3D, Ble = 0x3E, Blt = 0x3F;
    public const byte BneUn = 0x40, BgeUn = 0x41, BgtUn = 0x42, BleUn = 0x43, BltUn = 0x44, Switch = 0x45;
    public const byte LdindI4 = 0x4A, StindI4 = 0x54;
    public const byte Add = 0x58, Sub = 0x59, Mul = 0x5A, Div = 0x5B, DivUn = 0x5C, Rem = 0x5D, RemUn = 0x5E;
    public const byte And = 0x5F, Or = 0x60, Xor = 0x61, Shl = 0x62, Shr = 0x63, ShrUn = 0x64, Neg = 0x65, Not = 0x66;
    public const byte ConvI1 = 0x67, ConvI4 = 0x69, ConvI8 = 0x6A, ConvR8 = 0x6C, ConvU4 = 0x6D, ConvU8 = 0x6E, Callvirt = 0x6F;
    public const byte Ldstr = 0x72, Newobj = 0x73, Throw = 0x7A, Ldfld = 0x7B, Ldflda = 0x7C, Stfld = 0x7D, Ldsfld = 0x7E, Stsfld = 0x80;
    public const byte Box = 0x8C, Newarr = 0x8D, AddOvf = 0xD6, Endfinally = 0xDC, Leave = 0xDD, LeaveS = 0xDE;
    public const byte Prefix = 0xFE;
    public const byte Ceq = 0x01, Cgt = 0x02, CgtUn = 0x03, Clt = 0x04, CltUn = 0x05;
    public const byte Ldarg = 0x09, Ldarga = 0x0A, Starg = 0x0B, Ldloc = 0x0C, Ldloca = 0x0D, Stloc = 0x0E, Localloc = 0x0F;
    public const byte Initobj = 0x15, Cpblk = 0x17, Rethrow = 0x1A, Sizeof = 0x1C;
}
