namespace NexOS.Core.Ipc;

/// <summary>
/// A capability target that IPC does not act on: a process, a thread, a device grant. The
/// IPC operations refuse it (WrongObjectType); the kernel's system calls look at
/// <see cref="Kind"/> (a NexOS.Abi CapabilityKind value) and act on <see cref="Target"/>.
/// Rights reuse the IPC bits: <see cref="IpcRights.Wait"/> to wait for the object,
/// <see cref="IpcRights.Signal"/> to end or use it.
/// </summary>
public sealed class KernelObjectHandle : IpcObject
{
    /// <summary>Makes a handle of <paramref name="kind"/> (not 0) for <paramref name="target"/>.
    /// Throws <see cref="ArgumentException"/> for kind 0 and <see cref="ArgumentNullException"/>
    /// for a null target (set-up code).</summary>
    public KernelObjectHandle(uint kind, object target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (kind == 0)
        {
            throw new ArgumentException("kind 0 names nothing", nameof(kind));
        }

        Kind = kind;
        Target = target;
    }

    public uint Kind { get; }

    public object Target { get; }
}
