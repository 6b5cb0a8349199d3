using System.Runtime;

namespace NexOS.Runtime;

/// <summary>
/// The native half of module registration. The compiler emits one ReadyToRun header per
/// module (the kernel is one module); the class library asks for a TypeManager for it and
/// then for its sections by id.
/// </summary>
internal static unsafe class Modules
{
    private const uint ReadyToRunSignature = 0x00525452; // "RTR"
    private const int TypeManagerIndirectionSection = 204;
    private const int ReadonlyBlobRegionStart = 300;
    private const int ReadonlyBlobRegionEnd = 399;

    private static TypeManager* s_kernelModule;
    private static ulong s_osModule;

    /// <summary>The one module's type manager; null before start-up registers it.</summary>
    public static TypeManager* KernelModule => s_kernelModule;

    [RuntimeExport("RhpRegisterOsModule")]
    private static nint RegisterOsModule(nint osModule)
    {
        s_osModule = (ulong)osModule;
        return osModule;
    }

    /// <summary>Creates the type manager for a module header. Returns null (start-up then
    /// fails loudly) when the header is not a ReadyToRun header.</summary>
    [RuntimeExport("RhpCreateTypeManager")]
    private static TypeManager* CreateTypeManager(nint osModule, byte* header, nint* classlibFunctions, int classlibFunctionCount)
    {
        if (*(uint*)header != ReadyToRunSignature)
        {
            Panic.Halt("module header is not a ReadyToRun header");
        }

        var tm = (TypeManager*)BootHeap.Allocate((ulong)sizeof(TypeManager));
        if (tm == null)
        {
            Panic.Halt("no memory for a type manager");
        }

        tm->OsHandle = osModule;
        tm->Header = header;
        tm->ClasslibFunctions = classlibFunctions;
        tm->ClasslibFunctionCount = classlibFunctionCount;
        if (s_kernelModule == null)
        {
            s_kernelModule = tm;
        }

        // Compiled code finds its own module's type manager through this cell.
        void* indirection = Section(tm, TypeManagerIndirectionSection, out _);
        if (indirection != null)
        {
            *(TypeManager**)indirection = tm;
        }

        return tm;
    }

    [RuntimeExport("RhpGetModuleSection")]
    private static void* GetModuleSection(TypeManager** module, int sectionId, int* length) =>
        Section(*module, sectionId, out *length);

    [RuntimeExport("RhFindBlob")]
    private static bool FindBlob(TypeManager** module, uint blobId, byte** blob, uint* size)
    {
        int id = ReadonlyBlobRegionStart + (int)blobId;
        int length = 0;
        void* start = id <= ReadonlyBlobRegionEnd ? Section(*module, id, out length) : null;
        *blob = (byte*)start;
        *size = start == null ? 0 : (uint)length;
        return start != null;
    }

    [RuntimeExport("RhGetOSModuleFromPointer")]
    private static nint GetOsModuleFromPointer(nint pointer) =>
        (ulong)pointer >= ImageLayout.Start && (ulong)pointer < ImageLayout.End ? (nint)s_osModule : 0;

    [RuntimeExport("RhGetModuleFileName")]
    private static int GetModuleFileName(nint module, byte** name) => RuntimePlatform.ModuleFileName(name);

    [RuntimeExport("RhRegisterFrozenSegment")]
    private static nint RegisterFrozenSegment(void* start, nuint allocSize, nuint commitSize, nuint reservedSize) =>

        // Frozen objects never move and are never freed; the collector will need the list.
        (nint)start;

    [RuntimeExport("RhUpdateFrozenSegment")]
    private static void UpdateFrozenSegment(nint segment, void* allocated, void* committed)
    {
    }

    /// <summary>Looks a section up in the module's ReadyToRun header.</summary>
    public static void* Section(TypeManager* tm, int sectionId, out int length)
    {
        length = 0;
        if (tm == null)
        {
            return null;
        }

        byte* header = tm->Header;
        int count = *(ushort*)(header + 12);
        int entrySize = header[14];
        byte* row = header + 16;
        for (int i = 0; i < count; i++, row += entrySize)
        {
            if (*(int*)row == sectionId)
            {
                byte* start = *(byte**)(row + 8);
                byte* end = *(byte**)(row + 16);
                length = (int)(end - start);
                return start;
            }
        }

        return null;
    }
}

/// <summary>The native TypeManager. The class library reads the first two fields
/// (Internal.Runtime.TypeManagerHandle); the rest are the runtime layer's own.</summary>
internal unsafe struct TypeManager
{
    public nint OsHandle;
    public byte* Header;
    public nint* ClasslibFunctions;
    public int ClasslibFunctionCount;
}
