"""The kernel's threads and processes as gdb sees them.

The roots are the record of NexOS.Kernel/Debugging/DebuggerView.cs (the addresses of the
scheduler's thread list and of the process table's list); everything else is read from the
objects with the offsets the kernel's DWARF gives (objects.py).
"""

import gdb

from . import objects as o

ROOTS_SYMBOL = "__NONGCSTATICSNexOS_Kernel_NexOS_Kernel_Debugging_DebuggerView"
MAGIC = 0x4742_4453_4F58_454E
VERSION = 1

THREAD = "NexOS_Kernel_NexOS_Kernel_Threading_KernelThread"
SCHED = "NexOS_Core_NexOS_Core_Scheduling_SchedThread"
THREAD_STATE = "NexOS_Core_NexOS_Core_Scheduling_ThreadState"
SCHED_CLASS = "NexOS_Core_NexOS_Core_Scheduling_SchedClass"
PROCESS = "NexOS_Kernel_NexOS_Kernel_Processes_Process"
PROCESS_STATE = "NexOS_Kernel_NexOS_Kernel_Processes_ProcessState"
SPACE = "NexOS_Core_NexOS_Core_Paging_AddressSpace"
PHYS = "NexOS_Core_NexOS_Core_Memory_PhysAddr"
THREAD_LIST = "S_P_CoreLib_System_Collections_Generic_List_1<NexOS_Kernel_NexOS_Kernel_Threading_KernelThread>"
PROCESS_LIST = "S_P_CoreLib_System_Collections_Generic_List_1<NexOS_Kernel_NexOS_Kernel_Processes_Process>"
# KernelThread.Cpu: the CPU a thread runs on or ran on last (-1: never ran). Read when present.
CPU_FIELDS = ("Cpu",)


class NotPublished(gdb.GdbError):
    """The kernel has not filled its DebuggerView record yet (early in boot)."""


def connected():
    if not gdb.selected_inferior().threads():
        raise gdb.GdbError("not connected to a NexOS machine: ./nexos debug connects gdb, or nexos-connect HOST:PORT")


def roots():
    """(threads list, processes list) addresses from the kernel's DebuggerView record."""
    connected()
    try:
        address = int(gdb.parse_and_eval(f"(unsigned long)&'{ROOTS_SYMBOL}'"))
    except gdb.error:
        raise gdb.GdbError(f"no symbol {ROOTS_SYMBOL}: load build/nexos.elf (./nexos debug does)")
    magic = o.u64(address)
    if magic != MAGIC:
        raise NotPublished("the kernel has not published its thread list yet (DebuggerView is empty): "
                           "continue until the scheduler has started")
    version = o.u32(address + 8)
    if version != VERSION:
        raise gdb.GdbError(f"DebuggerView record version {version}; this script reads version {VERSION}")
    return o.u64(address + 16), o.u64(address + 24)


class Process:
    def __init__(self, obj):
        self.obj = obj
        self.id = o.number(obj, PROCESS, "Id")
        self.name = o.string(o.ref(obj, PROCESS, "Name"))
        self.state = o.enum_name(PROCESS_STATE, o.number(obj, PROCESS, "State"))
        space = o.ref(obj, PROCESS, "Space")
        self.root = o.u64(space + o.field(SPACE, "Root")[0] + o.field(PHYS, "Value")[0]) if space else 0
        self.live_threads = o.number(obj, PROCESS, "_liveThreads")


class Thread:
    def __init__(self, obj):
        self.obj = obj
        self.id = o.number(obj, THREAD, "Id")
        sched = o.ref(obj, THREAD, "Sched")
        self.name = o.string(o.ref(sched, SCHED, "Name"))
        self.state = o.enum_name(THREAD_STATE, o.number(sched, SCHED, "State"))
        self.sched_class = o.enum_name(SCHED_CLASS, o.number(sched, SCHED, "Class"))
        self.priority = o.number(sched, SCHED, "EffectivePriority")
        self.stack_bottom = o.number(obj, THREAD, "StackBottom")
        self.stack_top = o.number(obj, THREAD, "StackTop")
        self.saved_rsp = o.number(obj, THREAD, "SavedRsp")
        self.root = o.number(obj, THREAD, "PageTableRoot")
        self.user_tp = o.number(obj, THREAD, "UserThreadPointer")
        self.cpu_field = None
        for name in CPU_FIELDS:
            for owner, base in ((THREAD, obj), (SCHED, sched)):
                if self.cpu_field is None and o.has_field(owner, name):
                    self.cpu_field = o.number(base, owner, name)


def threads():
    thread_list, _ = roots()
    return [Thread(t) for t in o.list_items(thread_list, THREAD_LIST) if t]


def processes():
    _, process_list = roots()
    if process_list == 0:
        return []
    return [Process(p) for p in o.list_items(process_list, PROCESS_LIST) if p]


_by_root = {}


def process_by_root(root):
    """The live process whose page-table root is ROOT (CR3 without its low bits), or None.
    Cached by root and checked again on each use, as breakpoint conditions call it often."""
    root &= ~0xFFF
    cached = _by_root.get(root)
    if cached is not None:
        try:
            space = o.ref(cached.obj, PROCESS, "Space")
            still = space and o.u64(space + o.field(SPACE, "Root")[0] + o.field(PHYS, "Value")[0]) == root
            if still and o.enum_name(PROCESS_STATE, o.number(cached.obj, PROCESS, "State")) != "Ended":
                return cached
        except gdb.MemoryError:
            pass
        del _by_root[root]
    for p in processes():
        if p.root == root and p.state != "Ended":
            _by_root[root] = p
            return p
    return None


def register(name):
    return int(gdb.parse_and_eval(f"${name}"))


def current_process():
    """The process whose address space the selected CPU is in, or None (the kernel's own, or
    early in boot, before the kernel has any process)."""
    connected()
    try:
        return process_by_root(register("cr3"))
    except NotPublished:
        return None


def in_user_mode():
    return register("cs") & 3 == 3


def running_threads(all_threads):
    """{thread id: cpu index} for the threads on a CPU now: in the kernel the one whose stack
    holds RSP, in ring 3 the one whose TLS pointer is the FS base."""
    found = {}
    selected = gdb.selected_thread()
    try:
        for cpu in sorted(gdb.selected_inferior().threads(), key=lambda t: t.num):
            cpu.switch()
            rsp, fs, user = register("rsp"), register("fs_base"), in_user_mode()
            for t in all_threads:
                if (user and t.user_tp and t.user_tp == fs) or (not user and t.stack_bottom <= rsp < t.stack_top):
                    found[t.id] = cpu.num - 1
                    break
    finally:
        if selected is not None:
            selected.switch()
    return found
