namespace NexOS.Abi;

/// <summary>
/// System-call numbers (RAX at SYSCALL). Arguments go in RDI, RSI, RDX, R10, R8 and R9; the
/// result comes back in RAX: zero or a positive value on success, a negated
/// <see cref="SyscallStatus"/> on failure. Numbers are grouped by sixteen so a group can grow
/// without renumbering; docs/syscalls.md describes each call, its arguments and its errors,
/// and says which are implemented.
/// </summary>
public enum Syscall : ulong
{
    /// <summary>Does nothing and returns 0: the cost of a round trip through the kernel.</summary>
    Null = 0,

    /// <summary>(text, length): writes UTF-8 text to the kernel log; returns the bytes written.</summary>
    LogWrite = 1,

    /// <summary>(code): ends the calling process with an exit code; does not return.</summary>
    ProcessExit = 2,

    /// <summary>(): gives up the rest of the time slice.</summary>
    Yield = 3,

    /// <summary>(clock): reads a clock in nanoseconds (<see cref="Clock"/>).</summary>
    ClockRead = 4,

    /// <summary>(nanoseconds): sleeps at least that long.</summary>
    Sleep = 5,

    /// <summary>(pointer): sets the calling thread's TLS thread pointer (its FS base).</summary>
    SetThreadPointer = 6,

    /// <summary>(request, a, b): changes how the calling thread is scheduled
    /// (<see cref="SchedulerRequest"/>): it may drop to the background priority, or ask for a
    /// periodic real-time reservation, which admission control may refuse.</summary>
    SchedulerSet = 7,

    /// <summary>(): a real-time thread's job is done; sleeps until its next release. Returns the
    /// releases the job missed (0 when it ended in time). The kernel records the lateness and
    /// the misses in its rt metrics.</summary>
    PeriodWait = 8,

    /// <summary>(address, length, protection): maps zeroed anonymous memory; returns the address.</summary>
    MemoryMap = 16,

    /// <summary>(address, length): unmaps pages and frees their frames.</summary>
    MemoryUnmap = 17,

    /// <summary>(address, length, protection): changes the protection of mapped pages.</summary>
    MemoryProtect = 18,

    /// <summary>(entry, stack, argument, thread pointer): starts a thread in the caller's process; returns its capability.</summary>
    ThreadCreate = 32,

    /// <summary>(code): ends the calling thread; does not return.</summary>
    ThreadExit = 33,

    /// <summary>(thread capability, timeout): waits for a thread to end; returns its code.</summary>
    ThreadJoin = 34,

    /// <summary>(command line, its length, capability list, count, exit notification, exit bits):
    /// starts a program from the boot archive (the line's first word; the words are its argv), handing it the listed capabilities in slots 1, 2, ...;
    /// raises the bits on the notification (slot 0: none) when it ends. Returns a process
    /// capability.</summary>
    ProcessSpawn = 48,

    /// <summary>(request): starts a program whose ELF image the caller holds, read from a
    /// disk. The request is eight words: image address, image length (at most 16 MiB),
    /// command line address and length (its first word, a path, names the process by its
    /// last part), capability list address and count, exit notification and bits; otherwise as
    /// <see cref="ProcessSpawn"/>.</summary>
    ProcessSpawnImage = 51,

    /// <summary>(operation, buffer, capacity): captures what the programs the caller starts
    /// write to the log, for output redirection. Operation 1 begins (capacity: the bytes kept,
    /// at most <see cref="UserAbi.MaxCapturedOutput"/>; the buffer is unused): programs started
    /// from then on write into the capture. Operation 2 ends it: the bytes kept are copied to
    /// the buffer (up to its capacity) and the output's full length is returned; programs
    /// still running write to the log again. NotFound for an end without a begin.</summary>
    OutputCapture = 52,

    /// <summary>(process capability, timeout): waits for a process to end; returns its exit code.</summary>
    ProcessWait = 49,

    /// <summary>(process capability): ends a process.</summary>
    ProcessKill = 50,

    /// <summary>(endpoint, label, w0, w1, w2, w3): sends a message, waiting for a receiver.</summary>
    IpcSend = 64,

    /// <summary>(endpoint, timeout): waits for a message; it comes back in the registers
    /// (RDI badge, RSI label, RDX R10 R8 R9 the words).</summary>
    IpcReceive = 65,

    /// <summary>(endpoint, label, w0, w1, w2, w3): sends and waits for the reply, which comes
    /// back in the same registers.</summary>
    IpcCall = 66,

    /// <summary>(0, label, w0, w1, w2, w3): answers the call being served.</summary>
    IpcReply = 67,

    /// <summary>(endpoint, label, w0, w1, w2, w3): replies, then waits for the next message,
    /// which comes back as for <see cref="IpcReceive"/>.</summary>
    IpcReplyReceive = 68,

    /// <summary>(notification, bits): sets bits on a notification object.</summary>
    NotifySignal = 69,

    /// <summary>(notification, timeout): waits for bits; they come back in RDI, cleared on the object.</summary>
    NotifyWait = 70,

    /// <summary>(): creates an endpoint; returns a capability with every right.</summary>
    EndpointCreate = 71,

    /// <summary>(): creates a notification object; returns a capability with every right.</summary>
    NotificationCreate = 72,

    /// <summary>(offset, buffer, length, saved): copies <c>length</c> bytes from offset <c>offset</c>
    /// of the buffer the call being served grants (Read) into the server's buffer, or with
    /// <c>saved</c> not 0 the buffer of the call whose reply capability is saved in that slot;
    /// returns the bytes copied.</summary>
    IpcGrantRead = 73,

    /// <summary>(offset, buffer, length, saved): copies <c>length</c> bytes of the server's buffer
    /// into the buffer the call being served (or the saved call) grants (Write), from offset
    /// <c>offset</c>; returns the bytes copied.</summary>
    IpcGrantWrite = 74,

    /// <summary>(notification, unbind): binds the notification (Wait right) to the calling
    /// thread, or with unbind = 1 undoes the thread's binding (the slot is then unused). While
    /// bound, a signal ends the thread's endpoint receive: the receive returns Ok with the badge
    /// <see cref="UserAbi.NotificationBadge"/>, label 0 and the bits in W0. BadArgument when the
    /// notification or the thread is bound already.</summary>
    NotificationBind = 75,

    /// <summary>(): moves the reply capability of the call being served into an ordinary slot,
    /// which it returns, so the server can receive other calls and answer this one later with
    /// <see cref="IpcReplySaved"/>; its grant stays usable (IpcGrantRead and IpcGrantWrite take
    /// the slot as their fourth argument). BadCapability when no call is being served.
    /// Closing the slot, or the server ending, cancels the waiting caller with PeerDied.</summary>
    IpcReplySave = 76,

    /// <summary>(slot, label, w0, w1, w2, w3): answers the call whose reply capability
    /// <see cref="IpcReplySave"/> put in the slot, consuming it. PeerDied when the caller
    /// stopped waiting; WrongKind when the slot holds no reply capability.</summary>
    IpcReplySaved = 77,

    /// <summary>(capability): empties a capability slot.</summary>
    CapabilityClose = 80,

    /// <summary>(capability, rights, badge): copies a capability with fewer rights; badge 0
    /// keeps the source's badge, another value mints a badged copy of an unbadged capability
    /// (a server's way to tell its clients apart). Returns the new slot.</summary>
    CapabilityCopy = 81,

    /// <summary>(capability): describes a capability for diagnostics: kind in bits 32-39, rights
    /// in bits 0-31, and for a process capability its process id in bits 40-62.</summary>
    CapabilityInspect = 82,

    /// <summary>(port range capability, port, width): reads an I/O port the capability grants.</summary>
    PortRead = 96,

    /// <summary>(port range capability, port, width, value): writes an I/O port the capability grants.</summary>
    PortWrite = 97,

    /// <summary>(MMIO capability, address hint): maps a device's registers uncached; returns the address.</summary>
    MmioMap = 98,

    /// <summary>(interrupt capability, notification, bits): delivers an interrupt line as notification bits.</summary>
    InterruptBind = 99,

    /// <summary>(interrupt capability): re-enables a line after its handler has run.</summary>
    InterruptAcknowledge = 100,

    /// <summary>(device authority, physical address, length, PCI function: bit 16 set and its
    /// requester ID in bits 0-15, or 0): makes an MMIO capability for a device's register
    /// window; returns its slot.</summary>
    DeviceMmioCreate = 101,

    /// <summary>(device authority, first port, count): makes a port-range capability; returns its slot.</summary>
    DevicePortsCreate = 102,

    /// <summary>(device authority, ISA interrupt line): makes an interrupt capability; returns its slot.</summary>
    DeviceInterruptCreate = 103,

    /// <summary>(MMIO capability, length, physical-address out pointer): allocates zeroed,
    /// physically contiguous memory for the device's DMA, maps it and returns its address.</summary>
    DmaAllocate = 104,

    /// <summary>(MMIO capability, entry index, out pointer to 16 bytes): a message signalled
    /// interrupt (MSI/MSI-X) for the device; writes the message address and data the device
    /// must send, and returns the interrupt capability's slot.</summary>
    MessageInterruptCreate = 105,

    /// <summary>(kernel capability, operation, a, b, c): the kernel-object service
    /// (<see cref="KernelOperation"/>).</summary>
    KernelControl = 112,

    /// <summary>(boot-files capability, name, name length, buffer, buffer length): copies a file
    /// of the boot archive (at most buffer length bytes); returns the file's full length.</summary>
    BootFileRead = 113,

    /// <summary>(patch-inbox capability, patch, length, verdict buffer, verdict capacity): hands
    /// one patch that arrived from outside to the kernel's patch manager. Returns the verdict's
    /// full length in bytes, plus 2^32 when the patch was accepted; the verdict (one line of
    /// text) is copied into the buffer, cut to its capacity.</summary>
    PatchSubmit = 114,

    /// <summary>(kernel-log capability, buffer, capacity): moves the oldest kernel log text
    /// waiting for the console (at most capacity bytes) into the buffer; returns how many
    /// bytes (0: none waits).</summary>
    KernelLogRead = 115,

    /// <summary>(kernel-state capability, kind, buffer, length): the kernel's state of that
    /// <see cref="StateKind"/> as text, for the state keeper to store on the disk; returns the
    /// byte count, or LimitReached (nothing copied) when the buffer is too small.</summary>
    StateRead = 116,

    /// <summary>(kernel-state capability, kind, text, length, reply buffer of 256 bytes): hands
    /// back state read from the disk. The kernel checks it (an audit trail's chain, every
    /// entry's form) and adopts it only when the check passes; each kind once per boot.
    /// Returns 0 when adopted, 1 when refused; the reply buffer holds one line saying what
    /// happened, ending in a zero byte. Both outcomes are in the audit trail.</summary>
    StateRestore = 117,

    /// <summary>(kernel-state capability): a number that changes whenever the audit trail,
    /// the learned state or the keys change (every such change is audited), so the keeper
    /// reads and stores them only then.</summary>
    StateVersion = 118,
}

/// <summary>What went wrong, returned negated in RAX. Zero is success.</summary>
public enum SyscallStatus : long
{
    Ok = 0,

    /// <summary>No system call has that number.</summary>
    UnknownCall = 1,

    /// <summary>A pointer or length names memory the caller may not access that way.</summary>
    BadAddress = 2,

    /// <summary>An argument is out of its range.</summary>
    BadArgument = 3,

    /// <summary>The capability slot is out of range or empty.</summary>
    BadCapability = 4,

    /// <summary>The capability names an object of another kind.</summary>
    WrongKind = 5,

    /// <summary>The capability lacks a right the call needs.</summary>
    NoRights = 6,

    /// <summary>No memory (frames, page tables or kernel objects) is left for the request.</summary>
    OutOfMemory = 7,

    /// <summary>No program, object or entry has that name.</summary>
    NotFound = 8,

    /// <summary>The timeout passed first.</summary>
    TimedOut = 9,

    /// <summary>The other side of the IPC is gone (its process ended).</summary>
    PeerDied = 10,

    /// <summary>A table or quota is full.</summary>
    LimitReached = 11,

    /// <summary>The call is designed but not implemented yet.</summary>
    NotImplemented = 12,

    /// <summary>The memory range is already in use.</summary>
    AddressInUse = 13,

    /// <summary>The program file is not a valid executable (or does not fit).</summary>
    BadExecutable = 14,

    /// <summary>The buffer the caller of an IPC call granted is not mapped the way the grant
    /// said (the caller's fault, not the server's): <see cref="Syscall.IpcGrantRead"/> and
    /// <see cref="Syscall.IpcGrantWrite"/>.</summary>
    BadGrant = 15,
}

/// <summary>Clocks for <see cref="Syscall.ClockRead"/>.</summary>
public enum Clock : ulong
{
    /// <summary>Nanoseconds since boot; never goes backwards.</summary>
    Monotonic = 0,

    /// <summary>Nanoseconds since 1970-01-01 00:00 UTC, from the machine's clock read at boot
    /// (NotFound when it could not be read).</summary>
    Realtime = 1,
}

/// <summary>Requests of <see cref="Syscall.SchedulerSet"/>.</summary>
public enum SchedulerRequest : ulong
{
    /// <summary>(): the calling thread drops to the priority of background work (that of
    /// programs started with `run`), if it runs above it; it is never raised. A program a
    /// service starts inherits the service's priority, so workloads ask for this first.</summary>
    Background = 1,

    /// <summary>(period ns, budget ns): the calling thread leaves the normal class for the
    /// real-time class with a periodic reservation: at most the budget of CPU time in every
    /// period, first release one period from now. Limits in <see cref="UserAbi"/>; admission
    /// control refuses (LimitReached) when the real-time share or thread count would pass its
    /// bound (`sched`: rt.max_utilization_percent, rt.max_threads).</summary>
    RealTime = 2,
}

/// <summary>Protection bits for the memory calls.</summary>
[System.Flags]
public enum Protection : ulong
{
    None = 0,
    Read = 1,
    Write = 2,
    Execute = 4,
}

/// <summary>The rights a capability carries (CapabilityCopy keeps a subset of them; the
/// service manifest names them send, receive, grant, signal and wait).</summary>
[System.Flags]
public enum CapabilityRights : ulong
{
    None = 0,
    Send = 1,
    Receive = 2,
    Grant = 4,
    Signal = 8,
    Wait = 16,
}

/// <summary>What a capability names. Every kernel object a program can touch is reached through
/// one of these, and only through a capability in its process's table.</summary>
public enum CapabilityKind : uint
{
    None = 0,
    Endpoint = 1,
    Notification = 2,
    Process = 3,
    Thread = 4,
    PortRange = 5,
    Mmio = 6,
    Interrupt = 7,
    KernelControl = 8,
    BootFiles = 9,

    /// <summary>The door to the kernel's patch manager for patches from outside (PatchSubmit).</summary>
    PatchInbox = 10,

    /// <summary>The kernel log waiting for the console service (KernelLogRead).</summary>
    KernelLog = 11,

    /// <summary>The authority to make device capabilities (DeviceMmioCreate, DevicePortsCreate,
    /// DeviceInterruptCreate), held by the device manager.</summary>
    DeviceAuthority = 12,

    /// <summary>The kernel's state that outlives a boot (StateRead, StateRestore,
    /// StateVersion), held by the state keeper.</summary>
    KernelState = 13,
}

/// <summary>The kinds of kernel state StateRead hands out: those the state keeper stores on
/// the disk (Audit to Patches), and the dashboard's snapshot.</summary>
public enum StateKind : ulong
{
    /// <summary>The audit trail, as the JSON lines of `audit export`.</summary>
    Audit = 1,

    /// <summary>What the engine's models learned, in the priors format of the "models" module.</summary>
    Learned = 2,

    /// <summary>The keys whose signed patches are trusted: `key ID HEX` lines.</summary>
    Keys = 3,

    /// <summary>The settings: `level NAME` and `auto on|off` lines.</summary>
    Settings = 4,

    /// <summary>The active patches from outside, as they arrived (signed): `patch HEX` lines.</summary>
    Patches = 5,

    /// <summary>A JSON snapshot of the running system for the dashboard (read only; needs only the Wait right).</summary>
    Dashboard = 6,
}

/// <summary>Operations of <see cref="Syscall.KernelControl"/>.</summary>
public enum KernelOperation : ulong
{
    /// <summary>(line, line length, console endpoint slot, reply buffer of 256 bytes): runs a
    /// line of the kernel's command set; its output goes to the console endpoint as
    /// <see cref="ConsoleProtocol"/> writes, made with the caller's capability. Returns 0 when
    /// the command ran, 1 when it waits for a secret: the reply buffer then holds the prompt
    /// and the text to show if the secret is cancelled, each ending in a zero byte.</summary>
    RunCommand = 1,

    /// <summary>(secret, secret length, console endpoint slot, reply buffer): answers the
    /// secret the last command asked for. Returns as <see cref="RunCommand"/> does.</summary>
    AnswerSecret = 2,

    /// <summary>(line, line length, buffer, capacity at most <see cref="UserAbi.MaxCapturedOutput"/>):
    /// runs a line with its output written into the buffer instead of a console (output
    /// redirection). Returns the output's full length; bytes past the capacity are dropped.
    /// A command that waits for a key reads Ctrl-C; one that asks for a secret is refused
    /// (NotImplemented) with the request dropped.</summary>
    RunCommandCaptured = 3,
}

/// <summary>The user address range and the limits every program can rely on.</summary>
public static class UserAbi
{
    /// <summary>Lowest user address (PML4 entry 1; entry 0 is the kernel's).</summary>
    public const ulong UserBase = 0x0000_0080_0000_0000;

    /// <summary>One past the highest user address. The last page of the lower half stays
    /// unmapped: a SYSCALL in it would hand SYSRET a non-canonical return address.</summary>
    public const ulong UserTop = 0x0000_7FFF_FFFF_F000;

    /// <summary>Bit 63 of an <see cref="Syscall.IpcCall"/>'s label: the call grants the
    /// server a buffer, whose address is in w2 and whose length and rights are in w3 (length
    /// in bits 0-31, at most <see cref="MaxGrantLength"/>; bit 32 read, bit 33 write). The
    /// server sees the label with the bit, w2 zero and w3 as sent. Other calls refuse it.</summary>
    public const ulong GrantFlag = 1UL << 63;

    /// <summary>The badge an endpoint receive reports when it ended with the bits of the
    /// thread's bound notification (<see cref="Syscall.NotificationBind"/>); no capability
    /// can carry it.</summary>
    public const ulong NotificationBadge = ulong.MaxValue;

    /// <summary>The largest buffer one call may grant, and the most one grant copy moves:
    /// 256 KiB, room for a block request of 32 reads of 4 KiB and their list
    /// (<see cref="BlockProtocol.ReadBatch"/>).</summary>
    public const uint MaxGrantLength = 256 * 1024;

    /// <summary>The most output one <see cref="KernelOperation.RunCommandCaptured"/> returns: 1 MiB.</summary>
    public const int MaxCapturedOutput = 1 << 20;

    /// <summary>Shift of the rights (1 read, 2 write) in w3 of a granting call.</summary>
    public const int GrantRightsShift = 32;

    /// <summary>The most bytes one <see cref="Syscall.LogWrite"/> takes.</summary>
    public const int MaxLogWrite = 4096;

    /// <summary>The shortest period a <see cref="SchedulerRequest.RealTime"/> reservation may have.</summary>
    public const ulong MinRealTimePeriodNs = 1_000_000;

    /// <summary>The longest period a <see cref="SchedulerRequest.RealTime"/> reservation may have.</summary>
    public const ulong MaxRealTimePeriodNs = 1_000_000_000;

    /// <summary>The smallest budget of a <see cref="SchedulerRequest.RealTime"/> reservation
    /// (the budget may be at most the period).</summary>
    public const ulong MinRealTimeBudgetNs = 10_000;

    /// <summary>Bits 40-62 of <see cref="Syscall.CapabilityInspect"/>'s result: a process
    /// capability's process id (0 when the id does not fit).</summary>
    public const int InspectIdShift = 40;

    /// <summary>The largest process id <see cref="Syscall.CapabilityInspect"/> can carry.</summary>
    public const long MaxInspectId = (1L << 23) - 1;
}
