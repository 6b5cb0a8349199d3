using NexOS.Kernel.Boot;
using NexOS.Services.Shell;

namespace NexOS.Kernel.Commands;

/// <summary>The `programs` command: the programs in the boot archive.</summary>
internal static class ProgramCommands
{
    public static void Register(Shell shell) =>
        shell.Register("programs", "the programs in the boot archive: name and size in bytes", Programs);

    private static void Programs(IShellHost host, ReadOnlySpan<string> args)
    {
        if (args.Length != 0)
        {
            host.Write("usage: programs\n");
            return;
        }

        host.Write(BootPrograms.Archive.Listing());
    }
}
