"""User programs' symbols: one program's at a time.

Every C# user program is linked at the same addresses (NexOS.UserLib/link.ld), so gdb is
given one program's debug ELF (build/debug/user/NAME.elf) at a time; the one shown follows the
process a stop lands in (see on_stop) or what nexos-break and nexos-program ask for.
"""

import os

import gdb

from . import kernel

# This file is in tools/gdb/nexosgdb/ of the repository.
ROOT = os.environ.get("NEXOS_ROOT") or os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
DEBUG_DIR = os.path.join(ROOT, "build", "debug", "user")
KERNEL_ELF = os.path.join(ROOT, "build", "nexos.elf")

loaded = {"name": None, "path": None}


def path(name):
    return os.path.join(DEBUG_DIR, f"{name}.elf")


def available():
    if not os.path.isdir(DEBUG_DIR):
        return []
    return sorted(f[:-4] for f in os.listdir(DEBUG_DIR) if f.endswith(".elf"))


def load(name, quiet=False):
    """Shows program NAME's symbols instead of the last program's."""
    if loaded["name"] == name:
        return loaded["path"]
    file = path(name)
    if not os.path.isfile(file):
        known = ", ".join(available()) or "none: run ./nexos build"
        raise gdb.GdbError(f"no debug file for a program named '{name}' ({file}); C# programs with one: {known}")
    unload()
    gdb.execute(f"add-symbol-file {file}", to_string=True)
    loaded.update(name=name, path=file)
    if not quiet:
        gdb.write(f"nexos: the symbols of the program {name} are loaded ({file})\n")
    return file


def unload():
    if loaded["path"]:
        gdb.execute(f"remove-symbol-file {loaded['path']}", to_string=True)
        loaded.update(name=None, path=None)


def on_stop(_event):
    """After a stop in ring 3, shows the symbols of the program that process runs."""
    try:
        if not kernel.in_user_mode():
            return
        process = kernel.current_process()
        if process is None or process.name == loaded["name"] or not os.path.isfile(path(process.name)):
            return
        load(process.name, quiet=True)
        gdb.write(f"nexos: stopped in process {process.id} ({process.name}): its program's symbols are loaded now\n")
    except (gdb.error, gdb.MemoryError):
        pass
