using NexOS.Core.Scheduling;

namespace NexOS.Kernel.Threading;

/// <summary>
/// Threads blocked on one event, first in first out, linked through SchedThread.Next (a
/// blocked thread is on no run queue, so the link is free). Only the scheduler changes it,
/// with interrupts off.
/// </summary>
internal sealed class WaitQueue
{
    private SchedThread? _head;
    private SchedThread? _tail;

    public int Count { get; private set; }

    public bool IsEmpty => _head == null;

    public void Enqueue(SchedThread thread)
    {
        thread.Next = null;
        if (_tail == null)
        {
            _head = thread;
        }
        else
        {
            _tail.Next = thread;
        }

        _tail = thread;
        Count++;
    }

    public SchedThread? Dequeue()
    {
        SchedThread? t = _head;
        if (t == null)
        {
            return null;
        }

        _head = t.Next;
        if (_head == null)
        {
            _tail = null;
        }

        t.Next = null;
        Count--;
        return t;
    }

    /// <summary>Takes <paramref name="thread"/> out wherever it is (a timed wait that timed
    /// out). Returns false when it is not queued here.</summary>
    public bool Remove(SchedThread thread)
    {
        SchedThread? previous = null;
        for (SchedThread? t = _head; t != null; previous = t, t = t.Next)
        {
            if (t != thread)
            {
                continue;
            }

            if (previous == null)
            {
                _head = t.Next;
            }
            else
            {
                previous.Next = t.Next;
            }

            if (_tail == t)
            {
                _tail = previous;
            }

            t.Next = null;
            Count--;
            return true;
        }

        return false;
    }
}
