using System.Text;
using NexOS.Security.Patches;

namespace NexOS.Tests.Security.Patches;

/// <summary>Patches used by several tests.</summary>
internal static class SamplePatches
{
    public static readonly PatchSigningKey Key = new(7, Encoding.ASCII.GetBytes("a shared secret for tests"));

    public static PatchProvenance Provenance(PatchOrigin origin = PatchOrigin.Engine, ulong id = 42)
        => new(id, 1_700_000_000_123_456_789UL, origin, "nexos-tuner-v3", "lower tail latency under load", "sched.latency_p99_ns", -1500);

    public static Patch Parameters(PatchOrigin origin = PatchOrigin.Engine, params (string Name, long Value)[] changes)
    {
        if (changes.Length == 0)
        {
            changes = new[] { ("timeslice_ns", 4_000_000L), ("boost_levels", -3L) };
        }

        var list = new ParameterChange[changes.Length];
        for (int i = 0; i < changes.Length; i++)
        {
            list[i] = new ParameterChange(changes[i].Name, changes[i].Value);
        }

        return Patch.ForParameters("scheduler", list, Provenance(origin));
    }

    public static Patch Cil()
    {
        var body = new CilBody(
            new byte[] { 0x02, 0x7B, 0x01, 0x00, 0x00, 0x04, 0x17, 0x58, 0x2A },
            maxStack: 2,
            locals: new[] { CilLocalType.Int32, CilLocalType.Int64 },
            tokens: new[] { new CilToken(0x04000001, CilTokenKind.ContextField, "RunnableThreads"), new CilToken(0x0A000002, CilTokenKind.Helper, "Clamp") },
            constants: new[] { long.MinValue, 0L, 12345L });
        return Patch.ForCil("scheduler.pick_timeslice", body, Provenance());
    }

    public static byte[] Encode(Patch patch, PatchSigningKey? key = null)
    {
        Assert.That(PatchWriter.TryWrite(patch, key, out byte[]? bytes, out PatchError error), Is.True, error.Message);
        return bytes!;
    }
}
