"""C# method names and the symbols ilc gives them.

ilc names a method <assembly>_<namespace>_<type>__<method>: every '.' of the assembly's and
the namespace's names becomes '_', System.Private.CoreLib is S_P_CoreLib, a constructor is
.ctor (so Type___ctor), overloads after the first get _0, _1, ..., and generic
instantiations end in <type arguments>. Examples:
  NexOS.Kernel.Threading.Scheduler.Spawn  ->  NexOS_Kernel_NexOS_Kernel_Threading_Scheduler__Spawn
  NexOS.Examples.Hello.Program.Main (in hello)  ->  hello_NexOS_Examples_Hello_Program__Main
A name given without its namespace (Scheduler.Spawn) matches that type in any namespace.
"""

import os
import re
import struct

_tables = {}


def elf_functions(path):
    """{name: address} of the function symbols in the ELF file at PATH (cached by mtime)."""
    stamp = os.stat(path).st_mtime_ns
    cached = _tables.get(path)
    if cached and cached[0] == stamp:
        return cached[1]
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise ValueError(f"{path} is not a 64-bit ELF file")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    functions = {}
    for _, kind, _, _, offset, size, link, _, _, entsize in sections:
        if kind != 2:  # SHT_SYMTAB
            continue
        strtab = sections[link]
        str_offset = strtab[4]
        for at in range(offset, offset + size, entsize):
            name_at, info, _, shndx, value, _ = struct.unpack_from("<IBBHQQ", data, at)
            if info & 0xF != 2 or shndx == 0:  # STT_FUNC, defined
                continue
            end = data.index(b"\0", str_offset + name_at)
            functions[data[str_offset + name_at:end].decode("ascii", "replace")] = value
    _tables[path] = (stamp, functions)
    return functions


def _split(dotted):
    """('Namespace.Type', 'Method') from 'Namespace.Type.Method', '.ctor' and '.cctor' included."""
    for special in ("..ctor", "..cctor"):
        if dotted.endswith(special):
            return dotted[: -len(special)], special[1:]
    if "." not in dotted:
        raise ValueError(f"'{dotted}' is not Type.Method or Namespace.Type.Method")
    type_path, method = dotted.rsplit(".", 1)
    if not type_path or not method:
        raise ValueError(f"'{dotted}' is not Type.Method or Namespace.Type.Method")
    return type_path, method


def mangle(type_path, method):
    """The ilc names of a type path and a method: '.', '+' and '`' become '_'."""
    return re.sub(r"[.+`]", "_", type_path), re.sub(r"[^A-Za-z0-9_]", "_", method)


def pattern(type_path, method):
    """A regular expression for the symbols of every overload and instantiation of
    TYPE_PATH.METHOD in any assembly (and namespace, when TYPE_PATH has none)."""
    t, m = (re.escape(x) for x in mangle(type_path, method))
    return re.compile(rf"^(?:\w*_)?{t}(?:<.*?>)?__{m}(?:_\d+)?(?:<.*>)?$")


def find(dotted, functions):
    """The sorted symbol names in FUNCTIONS for the C# method DOTTED, or, when DOTTED is
    already a symbol, that one. A few types have short names (System.String is String):
    when the whole path matches nothing, its leading namespaces are dropped one by one.
    Stubs (unboxing, delegate thunks) are left out."""
    if dotted in functions:
        return [dotted]
    type_path, method = _split(dotted)
    parts = type_path.split(".")
    for first in range(len(parts)):
        regex = pattern(".".join(parts[first:]), method)
        found = sorted(n for n in functions if regex.match(n) and not n.startswith(("unbox_", "__")))
        if found:
            return found
    return []


def pretty(symbol):
    """A short C#-like name for an ilc symbol: Type.Method, for listings."""
    if not symbol:
        return "??"
    head, sep, method = symbol.partition("__")
    if not sep:
        return symbol
    method = re.sub(r"<.*$", "", method)
    method = "." + method[1:] if method.startswith("_ctor") or method.startswith("_cctor") else method
    return f"{head.rsplit('_', 1)[-1]}.{method}"
