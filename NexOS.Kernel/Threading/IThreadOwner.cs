namespace NexOS.Kernel.Threading;

/// <summary>
/// Something that owns threads and must hear when each is gone for good (a process frees its
/// address space after its last thread). The threads layer names only this interface, never
/// the process layer above it.
/// </summary>
internal interface IThreadOwner
{
    /// <summary>Called once per thread, by the reaper, after the thread has exited and its
    /// stack has been freed; runs on another thread, interrupts on.</summary>
    void ThreadReaped(KernelThread thread);
}
