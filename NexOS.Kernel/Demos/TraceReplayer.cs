using NexOS.Core.Heap;

namespace NexOS.Kernel.Demos;

/// <summary>
/// Plays an <see cref="AllocationTrace"/> on the real collected heap: each traced object is a
/// byte array whose size (header included) is the traced size, held in a slot until the trace
/// frees it; a collect step is a full collection. The same trace the simulator replays, so the
/// kernel's measurement and the shadow evaluation see one pattern.
/// </summary>
internal sealed class TraceReplayer
{
    // A byte array's header word, MethodTable and length words come before its elements.
    private const int ArrayOverhead = AllocationTrace.MinSize;

    private readonly AllocationTrace _trace;
    private object?[]? _slots;
    private int _nextOp;
    private int _nextId;

    public TraceReplayer(AllocationTrace trace)
    {
        _trace = trace;
        _slots = new object?[trace.Objects];
    }

    /// <summary>Steps played so far.</summary>
    public int Played => _nextOp;

    /// <summary>Plays the steps up to (not including) <paramref name="end"/>.</summary>
    public void PlayTo(int end)
    {
        object?[]? slots = _slots;
        if (slots == null)
        {
            return;
        }

        for (; _nextOp < end && _nextOp < _trace.Ops.Count; _nextOp++)
        {
            TraceOp op = _trace.Ops[_nextOp];
            switch (op.Kind)
            {
                case TraceOpKind.Alloc:
                    for (int i = 0; i < op.Count; i++)
                    {
                        slots[_nextId++] = new byte[op.Size - ArrayOverhead];
                    }

                    break;
                case TraceOpKind.Free:
                    for (int id = op.From; id < op.To; id += op.Step)
                    {
                        slots[id] = null;
                    }

                    break;
                default:
                    GC.Collect();
                    break;
            }
        }
    }

    /// <summary>Drops every object the trace still holds and collects.</summary>
    public void Release()
    {
        _slots = null;
        GC.Collect();
    }
}
