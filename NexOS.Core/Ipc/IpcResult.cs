namespace NexOS.Core.Ipc;

/// <summary>
/// What an IPC operation did and what the kernel must do about it. When
/// <see cref="Status"/> is not <see cref="IpcStatus.Ok"/> the operation was refused (see
/// <see cref="IpcStatus"/>), the caller keeps running and the other fields are empty. Otherwise the kernel makes <see cref="Woken"/> and then
/// <see cref="AlsoWoken"/> runnable (each is already <see cref="IpcState.Idle"/> with its
/// message or bits delivered) and, when <see cref="MustBlock"/> is set, blocks the calling
/// thread until an operation on another thread names it as woken or it is cancelled.
/// </summary>
public readonly struct IpcResult
{
    private IpcResult(IpcStatus status, IpcParticipant? woken, IpcParticipant? alsoWoken, bool mustBlock)
    {
        Status = status;
        Woken = woken;
        AlsoWoken = alsoWoken;
        MustBlock = mustBlock;
    }

    public IpcStatus Status { get; }

    /// <summary>A participant the operation unblocked, or null.</summary>
    public IpcParticipant? Woken { get; }

    /// <summary>A second unblocked participant: only <see cref="Endpoint.ReplyReceive"/>
    /// sets it (the caller it answered is <see cref="Woken"/>, a plain sender it received
    /// from is this one).</summary>
    public IpcParticipant? AlsoWoken { get; }

    /// <summary>The caller is now blocked in IPC and must not run until woken.</summary>
    public bool MustBlock { get; }

    public bool IsOk => Status == IpcStatus.Ok;

    internal static IpcResult Fail(IpcStatus status) => new(status, null, null, false);

    internal static IpcResult Done(IpcParticipant? woken = null, IpcParticipant? alsoWoken = null) =>
        new(IpcStatus.Ok, woken, alsoWoken, false);

    internal static IpcResult Blocked(IpcParticipant? woken = null) => new(IpcStatus.Ok, woken, null, true);

    public override string ToString() =>
        $"{Status.Describe()}{(MustBlock ? " block" : "")}{(Woken != null ? " wake" : "")}{(AlsoWoken != null ? "+wake" : "")}";
}
