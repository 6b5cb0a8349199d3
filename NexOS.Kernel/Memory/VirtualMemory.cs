using System.Threading;
using NexOS.Core.Boot;
using NexOS.Core.Memory;
using NexOS.Core.Paging;
using NexOS.Kernel.Platform;
using LayoutImage = NexOS.Core.Paging.KernelImage;
using Image = NexOS.Kernel.Platform.KernelImage;

namespace NexOS.Kernel.Memory;

/// <summary>
/// The kernel's own address space, replacing the boot identity map: RAM identity-mapped
/// read-write and no-execute, the image's text read-execute, its read-only data read-only,
/// MMIO uncached, page 0 and a guard page under every kernel stack left unmapped. The page
/// tables come from the frame allocator; the mapping rules are portable
/// (<see cref="KernelLayout"/>, <see cref="AddressSpace"/>).
/// </summary>
internal static unsafe class VirtualMemory
{
    private const ulong VgaTextStart = 0xB8000;
    private const ulong VgaTextEnd = 0xC0000;

    private static AddressSpace? s_kernelSpace;
    // The root each CPU has in CR3, by CPU index.
    private static readonly ulong[] s_loadedRoots = new ulong[Arch.X64.PerCpu.MaxCpus];

    public static AddressSpace? KernelSpace => s_kernelSpace;

    /// <summary>How page tables are read and written: through the identity map.</summary>
    public static IPageTableMemory TableMemory { get; } = new IdentityTableMemory();

    /// <summary>Frames for page tables and program pages, from the frame allocator.</summary>
    public static IFrameSource Frames { get; } = new FrameSource();

    /// <summary>Frames for programs' address spaces (their page tables and their pages),
    /// counted: <see cref="UserFramesInUse"/> returns to its baseline when every process has
    /// ended, which is how a leak would show.</summary>
    public static IFrameSource UserFrames { get; } = new CountingFrameSource(new FrameSource());

    /// <summary>Frames programs' address spaces hold now.</summary>
    public static long UserFramesInUse => ((CountingFrameSource)UserFrames).Held;

    /// <summary>A frame's bytes, through the identity map.</summary>
    public static NexOS.Core.Loader.IFrameBytes FrameBytes { get; } = new IdentityFrameBytes();

    /// <summary>Loads <paramref name="root"/> into CR3 (0: the kernel's own tables) unless it
    /// is loaded already. Every space shares the kernel's half, so the code and stack running
    /// now stay mapped. Interrupts off (the scheduler calls it while switching).</summary>
    public static void Activate(ulong root)
    {
        if (s_kernelSpace == null)
        {
            return;
        }

        if (root == 0)
        {
            root = s_kernelSpace.Root.Value;
        }

        ref ulong loaded = ref s_loadedRoots[Arch.X64.PerCpu.Index];
        if (root != loaded)
        {
            loaded = root;
            Native.WriteCr3(root);
        }
    }

    /// <summary>True when <paramref name="root"/> is the page-table root loaded now (so it
    /// must not be freed until the CPU has moved to another).</summary>
    public static bool IsLoaded(ulong root) => root != 0 && root == s_loadedRoots[Arch.X64.PerCpu.Index];

    /// <summary>True when a CPU other than this one has <paramref name="root"/> in CR3, so that
    /// its TLB may hold the space's entries. Kernel lock held.</summary>
    public static bool IsLoadedElsewhere(ulong root)
    {
        int me = Arch.X64.PerCpu.Index;
        int count = Arch.X64.Cpus.Count;
        for (int cpu = 0; cpu < count; cpu++)
        {
            if (cpu != me && s_loadedRoots[cpu] == root && root != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Notes that the CPU running this (an application processor starting) has the
    /// kernel's tables in CR3, and flushes its TLB of anything the start-up left.</summary>
    public static void AdoptKernelSpaceOnThisCpu()
    {
        if (s_kernelSpace != null)
        {
            s_loadedRoots[Arch.X64.PerCpu.Index] = s_kernelSpace.Root.Value;
            Native.WriteCr3(s_kernelSpace.Root.Value);
        }
    }

    /// <summary>Builds the tables and switches CR3, mapping <paramref name="deviceRegisters"/>
    /// (registers of devices the kernel drives, such as the IOMMU) uncached besides the APICs.
    /// Needs the frame allocator; runs once, with interrupts off, before any thread but the
    /// boot thread exists.</summary>
    public static string? Initialize(BootInfo boot, List<NexOS.Core.Acpi.AcpiTableEntry>? firmwareTables, PhysRange[]? deviceRegisters = null)
    {
        AddressSpace? space = AddressSpace.TryCreate(TableMemory, Frames);
        if (space == null)
        {
            return "no frame for the top-level page table";
        }

        var image = new LayoutImage(
            new PhysRange(new PhysAddr(NexOS.Runtime.ImageLayout.Start), new PhysAddr(Image.ReadOnlyDataStart)),
            new PhysRange(new PhysAddr(Image.ReadOnlyDataStart), new PhysAddr(Image.DataStart)),
            new PhysRange(new PhysAddr(Image.DataStart), new PhysAddr(NexOS.Runtime.ImageLayout.End)));
        var ram = new List<PhysRange>();
        foreach (MemoryRegion region in boot.MemoryMap)
        {
            // Everything the kernel reads through the identity map: RAM and the firmware's
            // ACPI tables.
            if (region.Type is MemoryRegionType.Usable or MemoryRegionType.AcpiReclaimable or MemoryRegionType.AcpiNvs)
            {
                ram.Add(region.Range);
            }
        }

        if (firmwareTables != null)
        {
            foreach (NexOS.Core.Acpi.AcpiTableEntry table in firmwareTables)
            {
                ulong start = table.Address & ~4095UL;
                ram.Add(new PhysRange(new PhysAddr(start), new PhysAddr((table.Address + table.Length + 4095) & ~4095UL)));
            }
        }

        PhysRange[] stacks = { new(new PhysAddr(Image.BootStackBottom), new PhysAddr(Image.BootStackTop)) };
        var mmio = new List<PhysRange> { new(new PhysAddr(VgaTextStart), new PhysAddr(VgaTextEnd)) };
        mmio.AddRange(deviceRegisters ?? []);
        List<KernelMapping> mappings = NexOS.Core.Paging.KernelLayout.Build(image, ram.ToArray(), stacks, mmio.ToArray());
        PagingStatus status = NexOS.Core.Paging.KernelLayout.Apply(space, mappings, out int failed);
        if (status != PagingStatus.Ok)
        {
            return $"mapping {failed} failed: {status.Describe()}";
        }

        Native.WriteCr3(space.Root.Value);
        s_loadedRoots[0] = space.Root.Value;
        s_kernelSpace = space;
        return null;
    }

    /// <summary>Unmaps the page at <paramref name="address"/> (a guard page under a stack).
    /// Returns false before the kernel's tables are active or when it was not mapped.</summary>
    public static bool MakeGuardPage(ulong address)
    {
        if (s_kernelSpace == null)
        {
            return false;
        }

        ulong flags = Arch.X64.InterruptState.Disable();
        PagingStatus status = s_kernelSpace.Unmap(new VirtAddr(address), out _, out bool flush);

        // RAM is mostly mapped with 2 MiB leaves; the one holding the page is split into 4 KiB
        // pages first (at most twice, for a 1 GiB leaf).
        for (int i = 0; i < 2 && status == PagingStatus.HugePageConflict; i++)
        {
            if (s_kernelSpace.SplitLeaf(new VirtAddr(address), out _) == PagingStatus.Ok)
            {
                status = s_kernelSpace.Unmap(new VirtAddr(address), out _, out flush);
            }
        }

        if (flush)
        {
            Native.InvalidatePage(address);
            Arch.X64.Cpus.ShootdownTlb(); // the page was RAM: other CPUs may have it cached
        }

        Arch.X64.InterruptState.Restore(flags);
        return status == PagingStatus.Ok;
    }

    /// <summary>Maps a guard page back (its stack is being freed).</summary>
    public static void RemoveGuardPage(ulong address)
    {
        if (s_kernelSpace == null)
        {
            return;
        }

        ulong flags = Arch.X64.InterruptState.Disable();
        s_kernelSpace.Map(new VirtAddr(address), new PhysAddr(address), NexOS.Core.Paging.KernelLayout.RamFlags, out bool flush);
        if (flush)
        {
            Native.InvalidatePage(address);
        }

        Arch.X64.InterruptState.Restore(flags);
    }

    /// <summary>Page tables live in identity-mapped RAM below 4 GiB (frames come from there).</summary>
    private sealed class IdentityTableMemory : IPageTableMemory
    {
        public ulong ReadEntry(PhysAddr table, int index) => ((ulong*)table.Value)[index];

        public void WriteEntry(PhysAddr table, int index, ulong value) => ((ulong*)table.Value)[index] = value;

        public void ZeroPage(PhysAddr page) => System.Runtime.InteropServices.NativeMemory.Clear((void*)page.Value, 4096);
    }

    private sealed class IdentityFrameBytes : NexOS.Core.Loader.IFrameBytes
    {
        public void Zero(PhysAddr frame) => System.Runtime.InteropServices.NativeMemory.Clear((void*)frame.Value, 4096);

        public void Write(PhysAddr frame, int offset, ReadOnlySpan<byte> bytes) =>
            bytes.CopyTo(new Span<byte>((byte*)frame.Value + offset, 4096 - offset));

        public void Read(PhysAddr frame, int offset, Span<byte> destination) =>
            new ReadOnlySpan<byte>((byte*)frame.Value + offset, destination.Length).CopyTo(destination);

        public void Copy(PhysAddr to, int toOffset, PhysAddr from, int fromOffset, int length) =>
            new ReadOnlySpan<byte>((byte*)from.Value + fromOffset, length).CopyTo(new Span<byte>((byte*)to.Value + toOffset, length));
    }

    private sealed class FrameSource : IFrameSource
    {
        public bool TryAllocateFrame(out PhysAddr frame) => PhysicalMemory.TryAllocate(0, out frame);

        public void FreeFrame(PhysAddr frame) => PhysicalMemory.Free(frame, 0);
    }
}
