namespace NexOS.Abi;

/// <summary>
/// The device manager's protocol (user/devmgr, docs/services.md), on its endpoint.
/// List: a call granting a buffer for writing; the manager writes one line per PCI function
/// (as NexOS.Drivers.Pci.PciFormatter.FormatLine writes it, then `, irq N` when the
/// function has an interrupt pin; each ending in '\n') and answers Label 0 with
/// W0 = the bytes written (cut at the buffer's end) and W1 = the functions found. Start: W0
/// the function's address (<see cref="Address"/>), a read grant holding the program's command
/// line (at most 256 bytes); the manager starts the program with the function's resources
/// (docs/services.md says in which slots) and answers Label 0 with W0 = the new process's id,
/// or Label = a <see cref="SyscallStatus"/> value on failure (AddressInUse while a program it
/// started for the function still runs: a device has one driver).
/// ConfigRead: only from a driver, through the badged capability the manager gave it
/// (<see cref="DriverBadge"/>): W0 the offset in its function's configuration space (0-255,
/// aligned to the width), W1 the width (1, 2 or 4); the manager answers Label 0 and W0 the
/// value. A driver's capability cannot List or Start (NoRights), and the unbadged one cannot
/// read configuration space. Ready: a driver, through its badged capability, says it now
/// serves its endpoint. Disks: answers W0 = the disk drivers that said Ready and run, W1 = those
/// started that have not said it yet, W2 and W3 the same as masks of disk endpoints (bit 0
/// `disk`, bit N `diskN`; the manager gives the disks it finds these in PCI order). A client of
/// a disk endpoint calls it only when its bit is in W2, and asks again while W1 is not 0,
/// since a call to an endpoint nobody serves would wait for ever; it needs no grant. Messages: only from a driver, through its badged
/// capability: W0 = 1 turns message interrupts on for its function, INTx disabled: MSI-X when
/// it has it (the driver has programmed its table entries first with the message the kernel
/// gave it), otherwise MSI with one vector, the manager writing W1 (the message address) and
/// W2 (its data, 16 bits) into the capability; W0 = 0 puts the function back on its
/// interrupt line. Label 0; NotFound when the function has neither, BadArgument for another
/// W0 or a message MSI cannot hold. The manager also puts every function back on its line
/// before it starts a driver for it. Nics: answers W0 = 1 when the network driver serving the
/// `nic` endpoint said Ready and runs, W1 = 1 while it is starting (both 0: no network device);
/// the network stack calls `nic` only once W0 is 1.
/// </summary>
public static class DeviceProtocol
{
    public const ulong List = 1;
    public const ulong Start = 2;
    public const ulong ConfigRead = 3;
    public const ulong Disks = 4;
    public const ulong Ready = 5;
    public const ulong Messages = 6;
    public const ulong Nics = 7;

    /// <summary>The most bytes of a Start request's command line.</summary>
    public const int MaxCommandLine = 256;

    /// <summary>The badge of the capability a driver for the function at
    /// <paramref name="address"/> (<see cref="Address"/>) gets: never 0.</summary>
    public static ulong DriverBadge(ulong address) => (1UL << 32) | (address & 0xFFFF);

    /// <summary>A PCI function's address as one word: bus in bits 8-15, device in 3-7, function in 0-2.</summary>
    public static ulong Address(int bus, int device, int function) =>
        ((uint)(bus & 0xFF) << 8) | ((uint)(device & 0x1F) << 3) | (uint)(function & 7);
}
