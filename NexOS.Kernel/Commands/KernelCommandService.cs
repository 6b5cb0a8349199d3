using System.Text;
using NexOS.Abi;
using NexOS.Core.Ipc;
using NexOS.Core.Loader;
using NexOS.Kernel.Memory;
using NexOS.Kernel.Ipc;
using NexOS.Kernel.Threading;
using NexOS.Kernel.Processes;
using NexOS.Kernel.Syscalls;
using NexOS.Services.Shell;
using NexOS.Kernel.Platform;

namespace NexOS.Kernel.Commands;

/// <summary>
/// The kernel-object service behind <see cref="Syscall.KernelControl"/>: the shell in ring 3
/// hands it command lines, and it runs them against the kernel's command set (threads,
/// processes, memory, the collector, patches, evolution, audit, traces), whose state lives
/// in the kernel. Output goes straight to the shell's console service over IPC, with the
/// capability the shell names, so long-running commands stream as they go, or, for a line
/// whose output the shell redirects to a file, into the caller's buffer (RunCommandCaptured). A command that
/// asks for a secret leaves a request here; the shell reads the secret masked and answers it.
/// One caller at a time (commands are not re-entrant); a second caller waits.
/// </summary>
internal sealed class KernelCommandService : IKernelControl
{
    /// <summary>Bytes of reply buffer the caller provides (prompt and cancel texts).</summary>
    public const int ReplyBytes = 256;

    /// <summary>The longest command line or secret.</summary>
    public const int MaxLine = 1024;

    private static readonly KernelMutex s_lock = new();
    private static RemoteHost? s_host;
    private static Shell? s_shell;
    private static SecretRequest? s_pending;

    private KernelCommandService()
    {
    }

    /// <summary>The command set: made once by the kernel's start-up (the same registrations
    /// the kernel console uses). The result is what the system-call layer is given to answer
    /// KernelControl with.</summary>
    public static IKernelControl Initialize(Func<IShellHost, Shell> build)
    {
        s_host = new RemoteHost();
        s_shell = build(s_host);
        return new KernelCommandService();
    }

    /// <summary>The kernel object a KernelControl capability names.</summary>
    public static KernelObjectHandle Handle { get; } = new((uint)CapabilityKind.KernelControl, typeof(KernelCommandService));

    public long Invoke(Process process, KernelThread me, ulong slot, ulong operation, ulong a, ulong b, ulong c, ulong d)
    {
        if (SyscallCapabilities.Find<object>(me, slot, IpcRights.Signal, CapabilityKind.KernelControl, out long refused) == null)
        {
            return refused;
        }

        if (s_shell == null || s_host == null)
        {
            return SyscallResult.Fail(SyscallStatus.NotImplemented);
        }

        if (operation == (ulong)KernelOperation.RunCommandCaptured)
        {
            return RunCaptured(process, a, b, c, d);
        }

        if (operation != (ulong)KernelOperation.RunCommand && operation != (ulong)KernelOperation.AnswerSecret)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        if (b > MaxLine || c >= (ulong)me.Ipc.Capabilities.Size)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        byte[] text = new byte[(int)b];
        if (UserCopy.In(process, a, text) != UserAccessStatus.Ok
            || UserMemory.Check(process.Space, UserAbi.UserTop, d, ReplyBytes, true) != UserAccessStatus.Ok)
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        s_lock.Lock();
        try
        {
            s_host.ConsoleSlot = (int)c;
            if (operation == (ulong)KernelOperation.RunCommand)
            {
                s_pending = null;
                s_shell.Execute(Encoding.UTF8.GetString(text));
            }
            else
            {
                SecretRequest? request = s_pending;
                s_pending = null;
                s_shell.TakeSecretRequest();
                request?.Handler(s_host, text);
            }

            s_pending = s_shell.TakeSecretRequest();
            return s_pending == null ? 0 : WriteRequest(process, d, s_pending);
        }
        finally
        {
            Array.Clear(text);
            s_host.ConsoleSlot = -1;
            s_lock.Unlock();
        }
    }

    // RunCommandCaptured: the line's output into [buffer, +capacity); returns its full length.
    // Checked first: the line's length and the capacity (BadArgument), both buffers (BadAddress).
    private static long RunCaptured(Process process, ulong line, ulong length, ulong buffer, ulong capacity)
    {
        if (length > MaxLine || capacity > UserAbi.MaxCapturedOutput)
        {
            return SyscallResult.Fail(SyscallStatus.BadArgument);
        }

        byte[] text = new byte[(int)length];
        if (UserCopy.In(process, line, text) != UserAccessStatus.Ok
            || (capacity > 0 && !UserCopy.Writable(process, buffer, capacity)))
        {
            return SyscallResult.Fail(SyscallStatus.BadAddress);
        }

        var output = new OutputCapture((int)capacity);
        s_lock.Lock();
        try
        {
            s_host!.Capture = output;
            s_pending = null;
            s_shell!.Execute(Encoding.UTF8.GetString(text));
            if (s_shell.TakeSecretRequest() != null)
            {
                return SyscallResult.Fail(SyscallStatus.NotImplemented);
            }
        }
        finally
        {
            s_host!.Capture = null;
            s_lock.Unlock();
        }

        return UserCopy.Out(process, buffer, output.Take()) == UserAccessStatus.Ok ? output.Total : SyscallResult.Fail(SyscallStatus.BadAddress);
    }

    /// <summary>Puts "prompt\0cancelled\0" in the caller's reply buffer and returns 1: the
    /// command waits for a secret.</summary>
    private static long WriteRequest(Process process, ulong address, SecretRequest request)
    {
        byte[] reply = new byte[ReplyBytes];
        int n = Encoding.UTF8.GetBytes(Cut(request.Prompt), reply);
        n += 1 + Encoding.UTF8.GetBytes(Cut(request.Cancelled), reply.AsSpan(n + 1));
        return UserCopy.Out(process, address, reply) == UserAccessStatus.Ok ? 1 : SyscallResult.Fail(SyscallStatus.BadAddress);
    }

    private static string Cut(string s) => s.Length <= (ReplyBytes / 2) - 8 ? s : s[..((ReplyBytes / 2) - 8)];

    /// <summary>The shell host commands see when run for the ring-3 shell: output goes to the
    /// caller's console service; everything else is the kernel console's host.</summary>
    private sealed class RemoteHost : IShellHost, ICapturingHost
    {
        private readonly KernelShellHost _kernel = new();

        public int ConsoleSlot { get; set; } = -1;

        /// <summary>Where output goes instead of the console while a captured line runs.</summary>
        public OutputCapture? Capture { get; set; }

        public string Version => _kernel.Version;

        public TimeSpan Uptime => _kernel.Uptime;

        public MemoryStats Memory => _kernel.Memory;

        public void Shutdown() => _kernel.Shutdown();

        public void Reboot() => _kernel.Reboot();

        public void Panic() => _kernel.Panic();

        /// <summary>Asks the console for a key already typed, without waiting (Poll).</summary>
        public bool TryReadKey(out byte key)
        {
            // Captured output has no keyboard behind it: a command waiting for a key to stop
            // (top) reads Ctrl-C and stops.
            key = Capture != null ? (byte)3 : (byte)0;
            if (Capture != null)
            {
                return true;
            }

            var message = new IpcMessage { Label = ConsoleProtocol.Poll, WordCount = IpcMessage.MaxWords };
            if (ConsoleSlot < 0 || KernelIpc.Call(ConsoleSlot, in message, 5_000_000_000) != IpcStatus.Ok)
            {
                return false;
            }

            ref readonly IpcMessage reply = ref Scheduler.Current.Ipc.Message;
            if (((reply.Label >> 8) & 0xFF) == 0)
            {
                return false;
            }

            key = (byte)reply.W0;
            return true;
        }

        /// <summary>Sends the text to the console in 32-byte writes. A console that fails (it
        /// was killed meanwhile) loses the rest of the text, and the kernel log gets it instead.</summary>
        public void Write(string text)
        {
            if (Capture != null && Capture.TryAppend(Encoding.UTF8.GetBytes(text)))
            {
                return;
            }

            if (ConsoleSlot < 0)
            {
                KernelLog.Write(text);
                return;
            }

            byte[] bytes = Encoding.UTF8.GetBytes(text);
            for (int at = 0; at < bytes.Length; at += ConsoleProtocol.ChunkBytes)
            {
                int n = Math.Min(ConsoleProtocol.ChunkBytes, bytes.Length - at);
                ConsoleProtocol.ToWords(bytes.AsSpan(at, n), out ulong w0, out ulong w1, out ulong w2, out ulong w3);
                var message = new IpcMessage
                {
                    Label = ConsoleProtocol.Write | ((ulong)n << 8),
                    W0 = w0,
                    W1 = w1,
                    W2 = w2,
                    W3 = w3,
                    WordCount = IpcMessage.MaxWords,
                };
                if (KernelIpc.Call(ConsoleSlot, in message, 5_000_000_000) != IpcStatus.Ok)
                {
                    ConsoleSlot = -1;
                    KernelLog.Write(Encoding.UTF8.GetString(bytes, at, bytes.Length - at));
                    return;
                }
            }
        }
    }
}

/// <summary>A shell host whose output is being captured for redirection: a command that starts
/// a program in the foreground hands the capture to it, so the program's output is
/// redirected with the command's.</summary>
internal interface ICapturingHost
{
    OutputCapture? Capture { get; }
}
