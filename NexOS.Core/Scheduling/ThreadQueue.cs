namespace NexOS.Core.Scheduling;

/// <summary>
/// A first-in first-out queue of threads, linked forward through <see cref="SchedThread.Next"/>
/// and backward through <see cref="SchedNode"/>, so that every operation is O(1) and none
/// allocates. The caller marks ownership (<see cref="SchedNode.Owner"/>); the queue only links.
/// </summary>
internal sealed class ThreadQueue
{
    private SchedThread? _head;
    private SchedThread? _tail;

    public int Count { get; private set; }

    /// <summary>The thread <see cref="PopFront"/> would return, left in place.</summary>
    public SchedThread? Head => _head;

    /// <summary>Appends <paramref name="thread"/>, whose node is <paramref name="node"/>.
    /// The thread must not be on any queue.</summary>
    public void PushBack(SchedThread thread, SchedNode node)
    {
        thread.Next = null;
        node.Prev = _tail;
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

    /// <summary>Puts <paramref name="thread"/> first, ahead of the threads already waiting.
    /// The thread must not be on any queue.</summary>
    public void PushFront(SchedThread thread, SchedNode node)
    {
        node.Prev = null;
        thread.Next = _head;
        if (_head == null)
        {
            _tail = thread;
        }
        else
        {
            SchedNode? headNode = SchedNode.Find(_head);
            if (headNode != null)
            {
                headNode.Prev = thread;
            }
        }

        _head = thread;
        Count++;
    }

    /// <summary>Takes the first thread off, or returns null when the queue is empty.</summary>
    public SchedThread? PopFront()
    {
        SchedThread? thread = _head;
        if (thread != null)
        {
            Unlink(thread, SchedNode.Find(thread));
        }

        return thread;
    }

    /// <summary>Unlinks <paramref name="thread"/>, which the caller knows is on this queue.</summary>
    public void Unlink(SchedThread thread, SchedNode? node)
    {
        SchedThread? prev = node?.Prev;
        SchedThread? next = thread.Next;
        if (prev == null)
        {
            _head = next;
        }
        else
        {
            prev.Next = next;
        }

        if (next == null)
        {
            _tail = prev;
        }
        else
        {
            SchedNode? nextNode = SchedNode.Find(next);
            if (nextNode != null)
            {
                nextNode.Prev = prev;
            }
        }

        thread.Next = null;
        if (node != null)
        {
            node.Prev = null;
        }

        Count--;
    }
}
