"""Frames of threads that are not on a CPU, and where a thread is.

A switched-out thread keeps r15, r14, r13, r12, rbx, rbp and its return address on its own
kernel stack from SavedRsp up (NexOS.Kernel/Arch/X64/switch.asm). To unwind it with gdb's own
DWARF unwinder, the selected CPU's registers are set to those values for a moment and put back
afterwards, before the guest runs again.
"""

import gdb

from . import objects as o
from . import symbols

SAVED = ("r15", "r14", "r13", "r12", "rbx", "rbp")
# Frames skipped when saying where a blocked thread waits: the switch and the scheduler's own.
PLUMBING = ("nexos_switch", "NexOS_Kernel_NexOS_Kernel_Threading_Scheduler_",
            "NexOS_Kernel_NexOS_Kernel_Threading_WaitQueue_", "NexOS_Kernel_NexOS_Kernel_Threading_KernelSync_",
            "NexOS_Kernel_NexOS_Kernel_Arch_X64_KernelLock_")


def describe(frame):
    """'Type.Method (file.cs:line)' or 'symbol' for FRAME."""
    name = frame.name() or "??"
    sal = frame.find_sal()
    where = f" ({sal.symtab.filename.rsplit('/', 1)[-1]}:{sal.line})" if sal.symtab and sal.line else ""
    return f"{symbols.pretty(name)}{where}"


def frames(limit=64):
    """The selected CPU's frames, innermost first."""
    out = []
    frame = gdb.newest_frame()
    while frame is not None and len(out) < limit:
        out.append(frame)
        try:
            frame = frame.older()
        except gdb.error:
            break
    return out


class SwitchedOut:
    """Context manager: the selected CPU shows a switched-out thread's registers meanwhile."""

    def __init__(self, saved_rsp):
        self.saved_rsp = saved_rsp
        self.kept = None

    def __enter__(self):
        gdb.newest_frame().select()
        names = SAVED + ("rsp", "rip")
        self.kept = {n: int(gdb.parse_and_eval(f"${n}")) for n in names}
        values = {n: o.u64(self.saved_rsp + 8 * i) for i, n in enumerate(SAVED)}
        values["rip"] = o.u64(self.saved_rsp + 8 * len(SAVED))
        values["rsp"] = self.saved_rsp + 8 * (len(SAVED) + 1)
        for n, v in values.items():
            gdb.execute(f"set ${n} = {v:#x}", to_string=True)
        return self

    def __exit__(self, *exc):
        for n, v in self.kept.items():
            gdb.execute(f"set ${n} = {v:#x}", to_string=True)
        gdb.newest_frame().select()
        return False


def where_waiting(saved_rsp):
    """Where a switched-out thread is: its first frame outside the scheduler's plumbing."""
    try:
        with SwitchedOut(saved_rsp):
            chain = frames(12)
            for frame in chain:
                if not (frame.name() or "").startswith(PLUMBING):
                    return describe(frame)
            return describe(chain[-1]) if chain else "??"
    except (gdb.error, gdb.MemoryError) as e:
        return f"<{e}>"


def where_running(cpu_num):
    """Where the CPU whose gdb thread number is CPU_NUM is now."""
    selected = gdb.selected_thread()
    try:
        for cpu in gdb.selected_inferior().threads():
            if cpu.num == cpu_num:
                cpu.switch()
                return describe(gdb.newest_frame())
        return "??"
    finally:
        if selected is not None:
            selected.switch()

