using System.IO;
using NexOS.PatchTool;

// nexos-patch: build a patch from a C# policy method, or send one to a running NexOS.
// Exit status: 0 done (or accepted), 1 rejected (one line on stderr says why), 2 usage,
// 3 transport failure (no connection, no reply).
return Cli.Run(args, Console.Out, Console.Error);
