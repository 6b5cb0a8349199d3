using NexOS.UserLib;

namespace NexOS.Programs.Console;

public static partial class Program
{
    /// <summary>
    /// The kernel's log lines on the console. The kernel keeps them while this service owns
    /// COM1 (KernelLogRead), so they never cut into a line the shell is writing: they are
    /// printed between calls, on lines of their own. When the shell's current line (its
    /// prompt and what has been typed) is half written, they go below it and it is written
    /// again after them, so the user sees where they were.
    /// </summary>
    private static class KernelLines
    {
        private static readonly byte[] s_line = new byte[512];
        private static readonly byte[] s_chunk = new byte[256];
        private static int s_lineLength;
        private static bool s_lineTooLong;
        private static bool s_unavailable;

        /// <summary>Notes a byte written to COM1 for the shell.</summary>
        public static void Seen(byte b)
        {
            if (b == (byte)'\n')
            {
                s_lineLength = 0;
                s_lineTooLong = false;
            }
            else if (s_lineLength < s_line.Length)
            {
                s_line[s_lineLength++] = b;
            }
            else
            {
                s_lineTooLong = true;
            }
        }

        /// <summary>Prints whatever kernel log text waits.</summary>
        public static void Print()
        {
            if (s_unavailable)
            {
                return;
            }

            bool printed = false;
            bool endedLine = true;
            while (true)
            {
                long n = KernelLogReader.Read(KernelLogSlot, s_chunk);
                if (n < 0)
                {
                    // No kernel-log capability (a manifest without klog): say so once, on COM1
                    // itself, since a logged line would wait for this very reader.
                    s_unavailable = true;
                    Raw(System.Text.Encoding.ASCII.GetBytes($"\r\nconsole: the kernel log cannot be read (status {(int)Syscalls.StatusOf(n)}); kernel lines are not shown\r\n"));
                    break;
                }

                if (n == 0)
                {
                    break;
                }

                if (!printed && s_lineLength > 0)
                {
                    Raw("\r\n"u8);
                }

                printed = true;
                for (int i = 0; i < n; i++)
                {
                    if (s_chunk[i] == (byte)'\n')
                    {
                        Put((byte)'\r');
                    }

                    Put(s_chunk[i]);
                }

                endedLine = s_chunk[(int)n - 1] == (byte)'\n';
            }

            if (!printed)
            {
                return;
            }

            if (!endedLine)
            {
                Raw("\r\n"u8);
            }

            if (!s_lineTooLong)
            {
                Raw(s_line.AsSpan(0, s_lineLength));
            }
        }

        private static void Raw(ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes)
            {
                Put(b);
            }
        }
    }
}
