using System.Text;
using NexOS.Abi;
using NexOS.Services.Shell;
using NexOS.UserLib;

namespace NexOS.Programs.Shell;

/// <summary>
/// The shell: a <see cref="ShellSession"/> (line editing, echo, masked secrets) on the console
/// service, whose lines run in the kernel's command set through the kernel's command service,
/// except `spawn`, which starts workload processes itself (<see cref="Spawner"/>), `lspci`
/// and `devstart`, which ask the device manager (<see cref="DeviceCommands"/>), the network
/// commands, which ask the network service (<see cref="NetCommands"/>), and the file
/// commands, which ask the file-system service (<see cref="FileCommands"/>). The output of
/// these and of the kernel's commands can be redirected to a file (<see cref="Redirection"/>;
/// a kernel command's output is captured, RunCommandCaptured). A line whose first word is a
/// path runs that program from the disk (<see cref="DiskPrograms"/>).
/// Slots: 1 the console's endpoint, 2 the kernel's command service, 3 the device manager's
/// endpoint, 4 the file-system service's, 5 the state keeper's, 6 the disk driver's (for
/// `diskbench` only), 7 the network service's. When the console goes
/// away the shell ends, and its supervisor starts both again.
/// </summary>
public static class Program
{
    private const int ConsoleSlot = 1;
    private const int KernelSlot = 2;

    public static int Main()
    {
        var console = new ConsoleClient(ConsoleSlot);
        var session = new ShellSession(new KernelRunner(console, new KernelCommands(KernelSlot)));
        session.Start();
        Span<byte> typed = stackalloc byte[ConsoleProtocol.ChunkBytes];
        while (true)
        {
            int n = console.Read(typed);
            if (n < 0)
            {
                Log.WriteLine($"shell: the console is gone ({-n}); ending");
                return 1;
            }

            session.Feed(typed[..n]);
        }
    }

    /// <summary>Runs lines in the kernel, writes through the console service.</summary>
    private sealed class KernelRunner : ICommandRunner
    {
        private readonly ConsoleClient _console;
        private readonly KernelCommands _kernel;
        private readonly FileCommands _files;
        private readonly DiskPrograms _programs;
        private SecretRequest? _pending;

        public KernelRunner(ConsoleClient console, KernelCommands kernel)
        {
            _console = console;
            _kernel = kernel;
            _files = new FileCommands();
            _programs = new DiskPrograms(_files);
        }

        public string Prompt => NexOS.Services.Shell.Shell.PromptText;

        public void Write(string text) => _console.Write(text);

        /// <summary>`spawn` runs here (<see cref="Spawner"/>); every other line in the kernel.</summary>
        public void Execute(string line)
        {
            var words = new List<string>();
            _pending = null;
            if (CommandLineTokenizer.Tokenize(line, words) == null)
            {
                (string Path, bool Append)? redirect = Redirection.Split(words, out string? error);
                if (error != null)
                {
                    _console.Write($"shell: {error}\n");
                    return;
                }

                if (redirect != null && DiskPrograms.Handles(words))
                {
                    RunProgramInto(words, redirect.Value.Path, redirect.Value.Append);
                    return;
                }

                var captured = new StringBuilder();
                Action<string> write = redirect == null ? text => _console.Write(text) : text => captured.Append(text);
                if (Spawner.TryRun(words, write) || DeviceCommands.TryRun(words, write) || NetCommands.TryRun(words, write) || _files.TryRun(words, write) || _programs.TryRun(words, write))
                {
                    string? failed = redirect == null ? null : Redirection.Write(_files.Files, _files.Absolute(redirect.Value.Path), redirect.Value.Append, captured.ToString());
                    if (failed != null)
                    {
                        _console.Write(failed);
                    }

                    return;
                }

                if (redirect != null)
                {
                    RunKernelInto(words, redirect.Value.Path, redirect.Value.Append);
                    return;
                }
            }

            Settle(_kernel.Run(line, _console, out SyscallStatus status), status);
        }

        // A kernel command with its output going to a file: the line without the redirection
        // runs with its output captured (up to 1 MiB), which is then written through the file
        // service.
        private void RunKernelInto(List<string> words, string path, bool append)
        {
            string command = CommandLineTokenizer.Join(words)!;
            string? output = _kernel.RunCaptured(command, UserAbi.MaxCapturedOutput, out bool cut, out SyscallStatus status);
            if (output == null)
            {
                _console.Write(status == SyscallStatus.NotImplemented
                    ? $"shell: the output of '{words[0]}' cannot be redirected: it asks for a secret\n"
                    : $"shell: the kernel's command service refused the line (status {(int)status})\n");
                return;
            }

            string? failed = Redirection.Write(_files.Files, _files.Absolute(path), append, output);
            _console.Write(failed ?? (cut ? $"shell: the output of '{words[0]}' was cut at {UserAbi.MaxCapturedOutput / 1024} KiB\n" : ""));
        }

        // A program from the disk with its output going to a file: what it writes to the log
        // while it runs in the foreground is captured by the kernel (OutputCapture) and then
        // written through the file service; the shell's own lines (its exit) stay on screen.
        private void RunProgramInto(List<string> words, string path, bool append)
        {
            if (words[^1] == "&")
            {
                _console.Write("shell: a program whose output is redirected runs in the foreground (no '&')\n");
                return;
            }

            SyscallStatus begun = Children.BeginOutputCapture(UserAbi.MaxCapturedOutput);
            if (begun != SyscallStatus.Ok)
            {
                _console.Write($"shell: the output cannot be captured (status {(int)begun})\n");
                return;
            }

            _ = _programs.TryRun(words, text => _console.Write(text));
            string output = Children.EndOutputCapture(UserAbi.MaxCapturedOutput, out bool cut, out SyscallStatus ended);
            string? failed = ended != SyscallStatus.Ok ? $"shell: the output could not be collected (status {(int)ended})\n"
                : Redirection.Write(_files.Files, _files.Absolute(path), append, output);
            _console.Write(failed ?? (cut ? $"shell: the output of '{words[0]}' was cut at {UserAbi.MaxCapturedOutput / 1024} KiB\n" : ""));
        }

        public SecretRequest? TakeSecretRequest()
        {
            SecretRequest? request = _pending;
            _pending = null;
            return request;
        }

        public void AnswerSecret(SecretRequest request, ReadOnlySpan<byte> secret) =>
            Settle(_kernel.Answer(secret, _console, out SyscallStatus status), status);

        /// <summary>Records the secret the kernel now waits for, if any, or reports a failed call.</summary>
        private void Settle((string Prompt, string Cancelled)? wanted, SyscallStatus status)
        {
            if (status != SyscallStatus.Ok)
            {
                _console.Write($"shell: the kernel's command service refused the line (status {(int)status})\n");
                return;
            }

            // The handler is a formality: AnswerSecret above is what the session calls.
            _pending = wanted is { } w ? new SecretRequest(w.Prompt, w.Cancelled, static (_, _) => { }) : null;
        }
    }
}
