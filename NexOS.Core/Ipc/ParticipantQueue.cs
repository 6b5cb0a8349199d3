namespace NexOS.Core.Ipc;

/// <summary>
/// Participants blocked on one object, first in first out, linked through
/// <see cref="IpcParticipant.Next"/>: a participant waits on at most one queue, so one link
/// is enough and queueing never allocates. The owning object keeps the participants' state
/// in step; the queue only links.
/// </summary>
internal sealed class ParticipantQueue
{
    private IpcParticipant? _head;
    private IpcParticipant? _tail;

    public int Count { get; private set; }

    public IpcParticipant? Head => _head;

    /// <summary>Appends <paramref name="participant"/>, which must be on no queue.</summary>
    public void Enqueue(IpcParticipant participant)
    {
        participant.Next = null;
        if (_tail == null)
        {
            _head = participant;
        }
        else
        {
            _tail.Next = participant;
        }

        _tail = participant;
        Count++;
    }

    /// <summary>Takes the longest waiter off, or returns null when nobody waits.</summary>
    public IpcParticipant? Dequeue()
    {
        IpcParticipant? first = _head;
        if (first == null)
        {
            return null;
        }

        _head = first.Next;
        if (_head == null)
        {
            _tail = null;
        }

        first.Next = null;
        Count--;
        return first;
    }

    /// <summary>Unlinks <paramref name="participant"/> wherever it is. Returns false when it
    /// is not here. O(queue length), which is bounded by the number of participants; only
    /// cancellation (timeouts, kills) uses it, never the message path.</summary>
    public bool Remove(IpcParticipant participant)
    {
        IpcParticipant? previous = null;
        for (IpcParticipant? p = _head; p != null; previous = p, p = p.Next)
        {
            if (p != participant)
            {
                continue;
            }

            if (previous == null)
            {
                _head = p.Next;
            }
            else
            {
                previous.Next = p.Next;
            }

            if (_tail == p)
            {
                _tail = previous;
            }

            p.Next = null;
            Count--;
            return true;
        }

        return false;
    }
}
