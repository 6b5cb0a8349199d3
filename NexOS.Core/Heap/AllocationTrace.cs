using System.Text;

namespace NexOS.Core.Heap;

/// <summary>What one trace step does.</summary>
public enum TraceOpKind : byte
{
    /// <summary>Allocate Count objects of Size bytes; they get the next Count ids.</summary>
    Alloc,

    /// <summary>Drop ids From, From + Step, ... below To (they die; the next collection frees them).</summary>
    Free,

    /// <summary>A collection: dead objects are freed, the partial-page lists rebuilt, fragmentation measured.</summary>
    Collect,
}

/// <summary>One step of an <see cref="AllocationTrace"/>.</summary>
public readonly record struct TraceOp(TraceOpKind Kind, int Size, int Count, int From, int To, int Step);

/// <summary>
/// A recorded or synthetic allocation pattern in a compact text form that the kernel prints
/// and the host reads back, one step a line after a header line:
/// <code>
/// nexos-alloc-trace 1
/// alloc SIZE COUNT      (SIZE 24..8192 bytes, header included; ids are given in order)
/// free FROM TO STEP     (drop ids FROM, FROM+STEP, ... below TO; each must be live)
/// collect
/// </code>
/// Lines starting with '#' are comments. <see cref="TryParse"/> checks everything (sizes,
/// ranges, that every freed id is live, the limits) and explains the first problem in one line.
/// </summary>
public sealed class AllocationTrace
{
    /// <summary>The header line.</summary>
    public const string Header = "nexos-alloc-trace 1";

    /// <summary>Most steps a trace may have.</summary>
    public const int MaxOps = 4096;

    /// <summary>Most objects a trace may allocate in all.</summary>
    public const int MaxObjects = 1 << 21;

    /// <summary>Smallest object: a byte array's header, MethodTable and length words.</summary>
    public const int MinSize = 24;

    private readonly List<TraceOp> _ops = new();
    private readonly int _maxOps;
    private int _validatedOps = -1;
    private string? _validation;

    /// <summary>An empty trace of at most <see cref="MaxOps"/> steps.</summary>
    public AllocationTrace()
        : this(MaxOps)
    {
    }

    /// <summary>An empty trace of at most <paramref name="maxOps"/> steps (a thinned trace may
    /// need more steps than the trace it was thinned from: <see cref="TraceThinning"/>).</summary>
    internal AllocationTrace(int maxOps) => _maxOps = maxOps;

    /// <summary>True for a trace derived from a recording of a heap or read from text (which
    /// may be one): <see cref="TraceThinning"/> is validated on step-structured traces only (a
    /// recording's thinned replays missed the whole trace's by up to 0.33 in tests), so the
    /// memory model replays these whole.</summary>
    public bool Recorded { get; init; }

    /// <summary>The steps, in order.</summary>
    public IReadOnlyList<TraceOp> Ops => _ops;

    /// <summary>Ids allocated by the whole trace.</summary>
    public int Objects { get; private set; }

    /// <summary>Appends an allocation of <paramref name="count"/> objects of <paramref name="size"/>
    /// bytes; returns the first id, or -1 (nothing added) when a limit is broken.</summary>
    public int Alloc(int size, int count)
    {
        if (size < MinSize || size > (int)SizeClasses.LargestSize || count < 1 || count > MaxObjects - Objects || _ops.Count >= _maxOps)
        {
            return -1;
        }

        int first = Objects;
        _ops.Add(new TraceOp(TraceOpKind.Alloc, size, count, 0, 0, 0));
        Objects += count;
        return first;
    }

    /// <summary>Appends a drop of ids from, from + step, ... below to. False when the range is
    /// bad (liveness is checked by <see cref="Validate"/>).</summary>
    public bool Free(int from, int to, int step)
    {
        if (from < 0 || to > Objects || from >= to || step < 1 || _ops.Count >= _maxOps)
        {
            return false;
        }

        _ops.Add(new TraceOp(TraceOpKind.Free, 0, 0, from, to, step));
        return true;
    }

    /// <summary>Appends a collection.</summary>
    public bool Collect()
    {
        if (_ops.Count >= _maxOps)
        {
            return false;
        }

        _ops.Add(new TraceOp(TraceOpKind.Collect, 0, 0, 0, 0, 0));
        return true;
    }

    /// <summary>Null when every freed id is live when it is freed; otherwise the first problem.
    /// The answer is remembered until a step is appended (steps are only ever appended), so a
    /// search that replays one trace many times checks it once.</summary>
    public string? Validate()
    {
        if (_validatedOps != _ops.Count)
        {
            _validation = Check();
            _validatedOps = _ops.Count;
        }

        return _validation;
    }

    private string? Check()
    {
        var dead = new bool[Objects];
        for (int i = 0; i < _ops.Count; i++)
        {
            TraceOp op = _ops[i];
            if (op.Kind != TraceOpKind.Free)
            {
                continue;
            }

            for (int id = op.From; id < op.To; id += op.Step)
            {
                if (dead[id])
                {
                    return $"step {i + 1}: id {id} is freed twice";
                }

                dead[id] = true;
            }
        }

        return null;
    }

    /// <summary>The text form.</summary>
    public string Write()
    {
        var sb = new StringBuilder();
        sb.Append(Header).Append('\n');
        foreach (TraceOp op in _ops)
        {
            switch (op.Kind)
            {
                case TraceOpKind.Alloc:
                    sb.Append("alloc ").Append(op.Size).Append(' ').Append(op.Count).Append('\n');
                    break;
                case TraceOpKind.Free:
                    sb.Append("free ").Append(op.From).Append(' ').Append(op.To).Append(' ').Append(op.Step).Append('\n');
                    break;
                default:
                    sb.Append("collect\n");
                    break;
            }
        }

        return sb.ToString();
    }

    /// <summary>Reads the text form. False, with a one-line reason naming the line, for
    /// anything malformed; the trace is then null.</summary>
    public static bool TryParse(string text, out AllocationTrace? trace, out string error)
    {
        trace = null;
        string[] lines = (text ?? string.Empty).Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n');
        if (lines.Length == 0 || lines[0].Trim() != Header)
        {
            error = $"line 1: expected '{Header}'";
            return false;
        }

        var result = new AllocationTrace { Recorded = true };
        for (int n = 1; n < lines.Length; n++)
        {
            string line = lines[n].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            string? problem = Step(result, f);
            if (problem != null)
            {
                error = $"line {n + 1}: {problem}";
                return false;
            }
        }

        string? invalid = result.Validate();
        if (invalid != null)
        {
            error = invalid;
            return false;
        }

        trace = result;
        error = string.Empty;
        return true;
    }

    private static string? Step(AllocationTrace t, string[] f)
    {
        if (t._ops.Count >= MaxOps)
        {
            return $"more than {MaxOps} steps";
        }

        switch (f[0])
        {
            case "alloc" when f.Length == 3 && int.TryParse(f[1], out int size) && int.TryParse(f[2], out int count):
                return t.Alloc(size, count) >= 0 ? null : $"alloc needs a size {MinSize}..{SizeClasses.LargestSize} and a count 1..{MaxObjects - t.Objects}";
            case "free" when f.Length == 4 && int.TryParse(f[1], out int from) && int.TryParse(f[2], out int to) && int.TryParse(f[3], out int step):
                return t.Free(from, to, step) ? null : $"free needs 0 <= from < to <= {t.Objects} (ids allocated so far) and step >= 1";
            case "collect" when f.Length == 1:
                t.Collect();
                return null;
            default:
                return $"expected 'alloc SIZE COUNT', 'free FROM TO STEP' or 'collect', got '{(f.Length > 0 ? f[0] : string.Empty)}' with {f.Length - 1} arguments";
        }
    }
}
