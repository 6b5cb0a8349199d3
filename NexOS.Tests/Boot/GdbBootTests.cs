using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace NexOS.Tests.Boot;

/// <summary>
/// Source-level debugging as `./nexos debug` offers it (docs/debugging.md): gdb in batch mode
/// on QEMU's stub, with build/nexos.elf, the programs' debug files and tools/gdb/nexos.py,
/// breaks on a kernel method by its C# name, shows C# file:line in the backtrace, steps by
/// line, prints locals and NexOS's threads; then breaks on a user program's Main, limited to
/// the process running it, started from the shell.
/// </summary>
[TestFixture]
[Category("Boot")]
public sealed class GdbBootTests : BootFixture
{
    private static readonly TimeSpan s_gdbStep = TimeSpan.FromSeconds(90);

    [Test]
    [CancelAfter(300_000)]
    public void GdbBreaksStepsAndListsThreadsInTheKernelAndAUserProgram()
    {
        string root = BootEnvironment.RepoRoot();
        RequireDebugFiles(root);
        int port = GdbSession.FreePort();
        _machine = QemuMachine.Start(new QemuOptions { GdbPort = port });
        using GdbSession gdb = GdbSession.Start(root);

        // The kernel half runs while the machine boots; the user half waits for `run hello`.
        gdb.Send($"set width 0\nset height 0\nnexos-connect 127.0.0.1:{port}\n" + KernelCommands);
        Expect(gdb, gdb.WaitFor("@@user-armed", s_gdbStep), "gdb did not get through the kernel half");
        _machine.WaitFor(s_readyLine, s_gdbStep);
        _machine.WaitFor(Prompt, s_gdbStep);
        _machine.Send("run hello gdb\r");
        Expect(gdb, gdb.WaitFor("Breakpoint 2, ", s_gdbStep), "gdb did not stop in hello's Main");
        gdb.Send(UserCommands);
        Expect(gdb, gdb.WaitForExit(s_gdbStep), "gdb did not finish the user half");

        // gdb's prompts run into the next line of output: drop them before matching lines.
        string[] halves = gdb.Transcript.Replace("(gdb) ", "", StringComparison.Ordinal).Split("@@user-armed");
        string kernel = halves[0], user = halves[^1];
        TestContext.Out.WriteLine(gdb.Transcript);

        // A kernel method by its C# name, its arguments, a backtrace of C# files and lines.
        Match hit = Regex.Match(kernel, @"Breakpoint 1, NexOS_Kernel_NexOS_Kernel_Threading_Scheduler__Spawn \(name=""([^""]+)"".*\) at (\S+/NexOS\.Kernel/Threading/Scheduler\.cs):(\d+)");
        Expect(gdb, hit.Success, "the breakpoint on Scheduler.Spawn was not hit with its name argument");
        Expect(gdb, Regex.IsMatch(kernel, @"(?m)^#1 .* at \S+/NexOS\.Kernel/\S+\.cs:\d+$"), "the backtrace has no caller with C# file:line");
        Expect(gdb, File.Exists(hit.Groups[2].Value), $"the DWARF names {hit.Groups[2].Value}, which does not exist");
        Expect(gdb, kernel.Contains($"$1 = \"{hit.Groups[1].Value}\"", StringComparison.Ordinal), "print name did not show the string");

        // next and step move by source line: each prints the line it reached.
        string steps = Between(kernel, "@@next", "@@step");
        Expect(gdb, Regex.Matches(steps, @"(?m)^(\d+)\t").Select(m => m.Groups[1].Value).Distinct().Count(d => d != hit.Groups[3].Value) >= 1,
            "next did not reach another line of Scheduler.cs");
        string stepped = Between(kernel, "@@step", "@@locals");
        Expect(gdb, Regex.IsMatch(stepped, @"NexOS_Kernel_\w+ \(.*\) at \S+\.cs:\d+"), "step did not enter a called C# method");
        Expect(gdb, Regex.IsMatch(Between(kernel, "@@locals", "@@threads"), @"(?m)^\w+ = \S"), "info locals showed no local");

        // The thread list knows the kernel's threads.
        string threads = Between(kernel, "@@threads", "@@user-armed-end");
        Expect(gdb, Regex.IsMatch(threads, @"(?m)^\*?\s+0 main\s+Running\s"), "nexos-threads does not list the boot thread as running");
        Expect(gdb, Regex.IsMatch(threads, @"(?m)^\s+\d+ idle\s"), "nexos-threads does not list the idle thread");

        // The user program: Main of hello in the process the shell started, not elsewhere.
        Match main = Regex.Match(user, @"Breakpoint 2, hello_NexOS_Examples_Hello_Program__Main \(args=.*\) at (\S+/examples/hello/Program\.cs):(\d+)");
        Expect(gdb, main.Success, "the breakpoint on hello's Main was not hit");
        Expect(gdb, Regex.IsMatch(user, @"(?m)^#0 .*Program__Main .* at \S+/examples/hello/Program\.cs:\d+$"), "the user backtrace has no C# file:line");
        Expect(gdb, Regex.Matches(Between(user, "@@unext", "@@ulocals"), @"(?m)^(\d+)\t").Any(m => m.Groups[1].Value != main.Groups[2].Value),
            "next did not move to another line of Program.cs");
        Expect(gdb, Regex.IsMatch(Between(user, "@@ulocals", "@@uprocesses"), @"(?m)^(args|i|before|checksum) = "), "no local or argument of Main was shown");
        string processes = Between(user, "@@uprocesses", "@@uthreads");
        Expect(gdb, Regex.IsMatch(processes, @"(?m)^\*\s+\d+ hello\s+Running\s+1\s"), "nexos-processes does not mark hello as the current process");
        string userThreads = Between(user, "@@uthreads", "@@done");
        Expect(gdb, Regex.IsMatch(userThreads, @"(?m)^\*\s+\d+ hello\s+Running\s.*\d+ hello\s+(Main|Program\.Main) \(Program\.cs:\d+\)"),
            "nexos-threads does not show hello's thread on the CPU in Program.cs");
        Expect(gdb, Regex.IsMatch(userThreads, @"(?m)^\s+\d+ shell\s+Blocked\s"), "nexos-threads does not list the waiting shell");

        // The program went on after gdb detached, and ran to its end.
        _machine.WaitFor(new Regex(@"process \d+ \(hello\) exited with code 0"), s_command);
    }

    // Sent before the machine runs: a kernel method by name, then hello's Main armed.
    private const string KernelCommands = """
        nexos-break NexOS.Kernel.Threading.Scheduler.Spawn
        continue
        bt 6
        print name
        echo @@next\n
        next
        next
        echo @@step\n
        step
        echo @@locals\n
        up
        info locals
        echo @@threads\n
        nexos-threads
        echo @@user-armed-end\n
        delete
        nexos-break --program hello NexOS.Examples.Hello.Program.Main
        echo @@user-armed\n
        continue
        """;

    // Sent once gdb has stopped in hello's Main.
    private const string UserCommands = """
        bt 3
        echo @@unext\n
        next
        next
        next
        echo @@ulocals\n
        info args
        info locals
        echo @@uprocesses\n
        nexos-processes
        echo @@uthreads\n
        nexos-threads
        echo @@done\n
        delete
        detach
        quit
        """;

    private static void RequireDebugFiles(string root)
    {
        foreach (string file in new[] { "build/nexos.elf", "build/debug/user/hello.elf" })
        {
            if (!File.Exists(Path.Combine(root, file)))
            {
                Assert.Fail($"{file} is missing: run ./nexos build");
            }
        }
    }

    private static string Between(string text, string start, string end)
    {
        int from = text.IndexOf(start, StringComparison.Ordinal);
        int to = from < 0 ? -1 : text.IndexOf(end, from, StringComparison.Ordinal);
        return from < 0 ? "" : to < 0 ? text[from..] : text[from..to];
    }

    /// <summary>Fails with gdb's transcript and the serial log, both also attached as files.</summary>
    private void Expect(GdbSession gdb, bool condition, string what)
    {
        if (condition)
        {
            return;
        }

        string transcript = gdb.Transcript;
        string serial = _machine?.Log ?? "";
        string directory = TestContext.CurrentContext.WorkDirectory;
        string gdbFile = Path.Combine(directory, "gdb-transcript.log");
        string serialFile = Path.Combine(directory, "gdb-serial.log");
        File.WriteAllText(gdbFile, transcript);
        File.WriteAllText(serialFile, serial);
        TestContext.AddTestAttachment(gdbFile, "gdb's transcript");
        TestContext.AddTestAttachment(serialFile, "serial log of the debugged machine");
        Assert.Fail($"{what}\n--- gdb transcript ---\n{transcript}\n--- serial log ---\n{serial}\n--- end ---");
    }
}
