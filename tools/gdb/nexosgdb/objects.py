"""Reading the kernel's managed objects from the target's memory.

Field offsets come from the kernel's DWARF (ilc describes every class with its fields at their
real offsets, the MethodTable pointer at 0), so the script follows the C# code as it changes;
a field that is gone is reported by name. Layouts that DWARF does not describe are the
runtime's own: an array keeps its length (u32) at 8 and its elements from 16; a string its
length (i32) at 8 and its UTF-16 characters from 12.
"""

import struct

import gdb

_offsets = {}
_enums = {}


class LayoutError(gdb.GdbError):
    """The kernel's types no longer have a field or type the script reads."""


def read(address, size):
    return bytes(gdb.selected_inferior().read_memory(address, size))


def u64(address):
    return struct.unpack("<Q", read(address, 8))[0]


def u32(address):
    return struct.unpack("<I", read(address, 4))[0]


def i32(address):
    return struct.unpack("<i", read(address, 4))[0]


def field(type_name, name):
    """(offset, gdb.Type) of field NAME of TYPE_NAME; NAME may be a property's name, whose
    backing field is <NAME>k__BackingField."""
    key = (type_name, name)
    if key not in _offsets:
        try:
            t = gdb.lookup_type(type_name)
        except gdb.error:
            raise LayoutError(f"the kernel's DWARF has no type {type_name} (is build/nexos.elf from this source?)")
        found = None
        for f in t.fields():
            if f.name in (name, f"<{name}>k__BackingField") and not f.is_base_class and hasattr(f, "bitpos"):
                found = (f.bitpos // 8, f.type)
                break
        _offsets[key] = found
    if _offsets[key] is None:
        raise LayoutError(f"{type_name} has no field {name}: tools/gdb/nexosgdb needs updating")
    return _offsets[key]


def has_field(type_name, name):
    try:
        field(type_name, name)
        return True
    except LayoutError:
        return False


def ref(obj, type_name, name):
    """The object reference (an address, 0 for null) in field NAME of the object at OBJ."""
    return u64(obj + field(type_name, name)[0])


def number(obj, type_name, name):
    """An integer field (1, 2, 4 or 8 bytes; enums too) of the object at OBJ, sign as declared."""
    offset, t = field(type_name, name)
    t = t.strip_typedefs()
    value = int.from_bytes(read(obj + offset, t.sizeof), "little")
    if t.name in ("int", "long", "short", "sbyte") and value >= 1 << (8 * t.sizeof - 1):
        value -= 1 << (8 * t.sizeof)
    return value


def enum_name(type_name, value):
    """The name of VALUE in the enum TYPE_NAME, or the number."""
    if type_name not in _enums:
        try:
            _enums[type_name] = {f.enumval: f.name for f in gdb.lookup_type(type_name).fields()}
        except gdb.error:
            _enums[type_name] = {}
    return _enums[type_name].get(value, str(value))


def string(obj, limit=64):
    """The text of the System.String at OBJ ('' for null)."""
    if obj == 0:
        return ""
    length = i32(obj + 8)
    if length < 0 or length > 1 << 20:
        return f"<bad string at {obj:#x}>"
    text = read(obj + 12, 2 * min(length, limit)).decode("utf-16-le", "replace")
    return text + ("..." if length > limit else "")


def list_items(obj, type_name):
    """The references in the List<T> of reference type at OBJ (nulls included)."""
    if obj == 0:
        return []
    items = ref(obj, type_name, "_items")
    size = number(obj, type_name, "_size")
    if items == 0 or size <= 0:
        return []
    capacity = u32(items + 8)
    size = min(size, capacity)
    raw = read(items + 16, 8 * size)
    return list(struct.unpack(f"<{size}Q", raw))
