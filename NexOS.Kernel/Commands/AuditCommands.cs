using System.Text;
using NexOS.Kernel.SelfEvolution;
using NexOS.Security.Audit;
using NexOS.Security.Crypto;
using NexOS.Security.Patching;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>The `audit` and `integrity` commands.</summary>
internal static class AuditCommands
{
    private const string Usage = "usage: audit [show <n> | verify | export | tamper <n>]\n";
    private const int ListedRecords = 30;

    public static void Register(Shell shell)
    {
        shell.Register("audit", "audit trail: audit | audit show <n> | audit verify | audit export | audit tamper <n> (test aid)", Audit);
        shell.Register("integrity", "SHA-256 of the kernel image (against boot) and of the active patch set", IntegrityCommand);
    }

    private static void Audit(IShellHost host, ReadOnlySpan<string> args)
    {
        PatchManager? manager = KernelEvolution.Manager;
        if (manager == null)
        {
            host.Write("audit: not initialised\n");
            return;
        }

        KernelEvolution.Tick();
        AuditTrail trail = manager.Trail;
        string sub = args.Length == 0 ? "list" : args[0];
        if (sub == "list" && args.Length == 0)
        {
            host.Write(List(trail));
        }
        else if (sub == "verify" && args.Length == 1)
        {
            AuditVerifyResult r = trail.Verify();
            host.Write(r.IsIntact
                ? $"audit chain intact: {trail.Count} records from #{trail.FirstSequence}, head {Hex(trail.Head).Substring(0, 16)}\n"
                : $"audit chain BROKEN at record #{r.BrokenSequence}: {r.Message}\n");
        }
        else if (sub == "export" && args.Length == 1)
        {
            host.Write(AuditExport.ToText(trail));
        }
        else if ((sub == "show" || sub == "tamper") && args.Length == 2)
        {
            if (!ulong.TryParse(args[1], out ulong seq) || seq < trail.FirstSequence || seq - trail.FirstSequence >= (ulong)trail.Count)
            {
                host.Write($"audit {sub}: no record '{args[1]}' (records #{trail.FirstSequence}..#{trail.FirstSequence + (ulong)trail.Count - 1})\n");
                return;
            }

            int index = (int)(seq - trail.FirstSequence);
            if (sub == "show")
            {
                host.Write(Show(trail.RecordAt(index)));
            }
            else
            {
                trail.Tamper(index);
                host.Write($"audit tamper: record #{seq} changed in memory without resealing (test aid)\n");
            }
        }
        else
        {
            host.Write(Usage);
        }
    }

    private static string List(AuditTrail trail)
    {
        var sb = new StringBuilder();
        int first = Math.Max(0, trail.Count - ListedRecords);
        for (int i = first; i < trail.Count; i++)
        {
            AuditRecord r = trail.RecordAt(i);
            sb.Append($"#{r.Sequence} {r.TimeNs / 1_000_000} ms {AuditNames.Name(r.Kind)} patch {r.PatchId} {r.Actor}: {r.Detail}\n");
        }

        sb.Append($"{trail.Count} records (#{trail.FirstSequence} onwards), last {trail.Count - first} shown\n");
        return sb.ToString();
    }

    private static string Show(AuditRecord r) =>
        $"sequence {r.Sequence}\ntime     {r.TimeNs} ns\nkind     {AuditNames.Name(r.Kind)}\npatch    {r.PatchId}\nactor    {r.Actor}\ndetail   {r.Detail}\nprev     {Hex(r.PrevHash)}\nhash     {Hex(r.Hash)}\n";

    private static void IntegrityCommand(IShellHost host, ReadOnlySpan<string> args)
    {
        PatchManager? manager = KernelEvolution.Manager;
        if (args.Length != 0 || manager == null)
        {
            host.Write(manager == null ? "integrity: not initialised\n" : "usage: integrity\n");
            return;
        }

        Span<byte> image = stackalloc byte[Sha256.HashSize];
        ulong start = Arch.X64.Tsc.NowNs;
        Integrity.HashImage(image);
        ulong ns = Arch.X64.Tsc.NowNs - start;
        bool same = CryptoBytes.FixedTimeEquals(image, Integrity.BootImageHash);
        KernelEvolution.Security?.ReportIntegrity(same);
        Span<byte> patches = stackalloc byte[Sha256.HashSize];
        lock (manager.Gate)
        {
            Integrity.HashPatchSet(manager, patches);
        }

        host.Write($"kernel image sha256 {Hex(image)} ({Debugging.KernelImageBytes.ReadOnlyPart.Length / 1024} KiB, {ns / 1_000_000} ms): {(same ? "matches the boot reference" : "MISMATCH with the boot reference " + Hex(Integrity.BootImageHash))}\n"
            + $"patch set   sha256 {Hex(patches)} (version {manager.Current.Number}, active patches: {manager.Current.ActivePatches()})\n");
    }

    private static string Hex(ReadOnlySpan<byte> bytes)
    {
        Span<char> text = stackalloc char[bytes.Length * 2];
        CryptoBytes.TryWriteHex(bytes, text);
        return new string(text);
    }
}
