# NexOS support for gdb: ./nexos debug and .vscode/launch.json load it into a gdb that has
# build/nexos.elf (the kernel with its symbols and ilc's DWARF). Commands: nexos-connect,
# nexos-break, nexos-program, nexos-threads, nexos-processes, nexos-bt; functions
# $_nexos_pid() and $_nexos_in_program("name"); C# strings print as text. docs/debugging.md.

import os
import sys

import gdb
import gdb.printing

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from nexosgdb import commands, programs  # noqa: E402


class StringPrinter:
    """A System.String as its text."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        length = int(self.value["_stringLength"])
        if length < 0 or length > 1 << 20:
            return f"<bad string length {length}>"
        data = bytes(gdb.selected_inferior().read_memory(self.value["_firstChar"].address, 2 * length))
        return data.decode("utf-16-le", "replace")

    def display_hint(self):
        return "string"


def _printers():
    collection = gdb.printing.RegexpCollectionPrettyPrinter("nexos")
    collection.add_printer("String", "^String$", StringPrinter)
    return collection


# ilc's DWARF places static fields where this runtime layer does not keep them (one
# indirection too many for GC statics), so reading them would print errors or wrong values;
# nexos-threads and nexos-processes find the kernel's lists through DebuggerView instead.
gdb.execute("set print static-members off")
gdb.execute("set pagination off")
gdb.printing.register_pretty_printer(None, _printers(), replace=True)
commands.register()
gdb.events.stop.connect(programs.on_stop)
gdb.write("NexOS: nexos-connect, nexos-break, nexos-program, nexos-threads, nexos-processes, nexos-bt "
          "(help NAME); $_nexos_pid(), $_nexos_in_program(NAME); docs/debugging.md\n")
