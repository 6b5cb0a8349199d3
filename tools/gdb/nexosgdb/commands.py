"""The nexos-* commands and $_nexos_* functions (docs/debugging.md)."""

import gdb

from . import kernel
from . import programs
from . import stacks
from . import symbols


class Connect(gdb.Command):
    """nexos-connect HOST:PORT: attach to QEMU's gdb stub (./nexos debug prints the port)."""

    def __init__(self):
        super().__init__("nexos-connect", gdb.COMMAND_RUNNING)

    def invoke(self, arg, from_tty):
        if not arg.strip():
            raise gdb.GdbError("usage: nexos-connect HOST:PORT")
        gdb.execute(f"target remote {arg.strip()}", from_tty)


class Break(gdb.Command):
    """nexos-break [--program NAME | --pid PID] METHOD: break on a C# method by its name.

METHOD is Namespace.Type.Method, or Type.Method in any namespace (Type..ctor for a
constructor); every overload gets a breakpoint. Without an option the kernel's methods are
searched. --program NAME searches the program NAME's methods (build/debug/user/NAME.elf),
then the kernel's, and stops only in processes running NAME; --pid PID stops only in that
process (its address space, CR3)."""

    def __init__(self):
        super().__init__("nexos-break", gdb.COMMAND_BREAKPOINTS)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        program = pid = None
        while argv and argv[0].startswith("--"):
            option = argv.pop(0)
            if option not in ("--program", "--pid") or not argv:
                raise gdb.GdbError("usage: nexos-break [--program NAME | --pid PID] Namespace.Type.Method")
            value = argv.pop(0)
            if option == "--program":
                program = value
            elif value.isdigit():
                pid = int(value)
            else:
                raise gdb.GdbError(f"--pid takes a process id, not '{value}'")
        if len(argv) != 1:
            raise gdb.GdbError("usage: nexos-break [--program NAME | --pid PID] Namespace.Type.Method")
        method = argv[0]
        try:
            found, in_program, table = self.lookup(method, program)
        except ValueError as e:
            raise gdb.GdbError(str(e))
        condition = None
        if program:
            condition = f'$_nexos_in_program("{program}")'
        elif pid is not None:
            condition = f"$_nexos_pid() == {pid}"
        for symbol in found:
            spec = f"'{symbol}'"
            if in_program:
                # By address: the program's symbols may be swapped for another's later.
                spec = f"*{self.address_after_prologue(spec, table[symbol]):#x}"
            bp = gdb.Breakpoint(spec)
            if condition:
                bp.condition = condition

    @staticmethod
    def lookup(method, program):
        if program:
            programs.load(program)
            table = symbols.elf_functions(programs.path(program))
            found = symbols.find(method, table)
            if found:
                return found, True, table
        table = symbols.elf_functions(programs.KERNEL_ELF)
        found = symbols.find(method, table)
        if not found:
            where = f"the program {program} or the kernel" if program else "the kernel (for a user program: --program NAME)"
            raise ValueError(f"no method {method} in {where}; names are Namespace.Type.Method or Type.Method")
        return found, False, table

    @staticmethod
    def address_after_prologue(spec, start):
        """Where gdb would break in the function at START: past its prologue. The name may
        also be the kernel's (NexOS.Services and the runtime layer are in both), so the
        location inside the program's function is taken."""
        probe = gdb.Breakpoint(spec, internal=True)
        try:
            inside = [loc.address for loc in getattr(probe, "locations", []) if start <= loc.address < start + 0x1000]
        finally:
            probe.delete()
        return min(inside) if inside else start


class Program(gdb.Command):
    """nexos-program [NAME]: show the symbols of the C# user program NAME (without NAME: which
    program's are loaded and which have debug files)."""

    def __init__(self):
        super().__init__("nexos-program", gdb.COMMAND_FILES)

    def invoke(self, arg, from_tty):
        name = arg.strip()
        if name:
            programs.load(name)
            return
        gdb.write(f"loaded: {programs.loaded['name'] or 'none'}; with debug files: {', '.join(programs.available())}\n")


class Threads(gdb.Command):
    """nexos-threads: every NexOS thread: id, name, state, class and priority, CPU, process,
    and where it is (a running thread's CPU position, a waiting thread's first frame outside
    the scheduler). '*' marks the threads on a CPU now."""

    def __init__(self):
        super().__init__("nexos-threads", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        all_threads = kernel.threads()
        by_root = {p.root: p for p in kernel.processes() if p.state != "Ended"}
        running = kernel.running_threads(all_threads)
        gdb.write(f"  {'TID':>4} {'NAME':<16} {'STATE':<9} {'CLASS':<8} {'PRI':>3} {'CPU':>3} {'PROCESS':<18} WHERE\n")
        for t in all_threads:
            owner = by_root.get(t.root)
            process = f"{owner.id} {owner.name}" if owner else ("kernel" if t.root == 0 else "?")
            if t.id in running:
                cpu, where = str(running[t.id]), stacks.where_running(running[t.id] + 1)
            else:
                cpu = str(t.cpu_field) if t.cpu_field is not None and t.cpu_field >= 0 else "-"
                where = {"Exited": "-", "Created": "not started"}.get(t.state) or stacks.where_waiting(t.saved_rsp)
            mark = "*" if t.id in running else " "
            gdb.write(f"{mark} {t.id:>4} {t.name[:16]:<16} {t.state:<9} {t.sched_class:<8} {t.priority:>3} {cpu:>3} {process[:18]:<18} {where}\n")


class Processes(gdb.Command):
    """nexos-processes: every process the kernel keeps: id, name, state, live threads, the
    address space's root (CR3), and whether gdb has the program's debug file."""

    def __init__(self):
        super().__init__("nexos-processes", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        have = set(programs.available())
        all_processes = kernel.processes()
        current = kernel.current_process()
        gdb.write(f"  {'PID':>4} {'NAME':<16} {'STATE':<8} {'THREADS':>7} {'CR3':>12}  SYMBOLS\n")
        for p in all_processes:
            mark = "*" if current is not None and current.obj == p.obj else " "
            symbols_file = "yes" if p.name in have else "-"
            gdb.write(f"{mark} {p.id:>4} {p.name[:16]:<16} {p.state:<8} {p.live_threads:>7} {p.root:>#12x}  {symbols_file}\n")


class Backtrace(gdb.Command):
    """nexos-bt TID [COUNT]: the backtrace of NexOS thread TID, on a CPU or switched out."""

    def __init__(self):
        super().__init__("nexos-bt", gdb.COMMAND_STACK)

    def invoke(self, arg, from_tty):
        argv = gdb.string_to_argv(arg)
        if not argv or not all(a.isdigit() for a in argv) or len(argv) > 2:
            raise gdb.GdbError("usage: nexos-bt TID [COUNT]")
        tid, count = int(argv[0]), int(argv[1]) if len(argv) > 1 else 32
        all_threads = kernel.threads()
        thread = next((t for t in all_threads if t.id == tid), None)
        if thread is None:
            raise gdb.GdbError(f"no thread {tid}: nexos-threads lists them")
        running = kernel.running_threads(all_threads)
        if tid in running:
            gdb.execute(f"thread {running[tid] + 1}", to_string=True)
            gdb.execute(f"backtrace {count}")
        elif thread.state in ("Exited", "Created"):
            raise gdb.GdbError(f"thread {tid} ({thread.name}) is {thread.state}: it has no frames")
        else:
            with stacks.SwitchedOut(thread.saved_rsp):
                gdb.execute(f"backtrace {count}")


class Pid(gdb.Function):
    """$_nexos_pid(): the id of the process whose address space the CPU is in (0: none)."""

    def __init__(self):
        super().__init__("_nexos_pid")

    def invoke(self):
        process = kernel.current_process()
        return process.id if process else 0


class InProgram(gdb.Function):
    """$_nexos_in_program(NAME): 1 when the CPU is in a process running the program NAME."""

    def __init__(self):
        super().__init__("_nexos_in_program")

    def invoke(self, name):
        process = kernel.current_process()
        return 1 if process is not None and process.name == name.string() else 0


def register():
    for command in (Connect, Break, Program, Threads, Processes, Backtrace, Pid, InProgram):
        command()
