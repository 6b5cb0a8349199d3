namespace NexOS.Bench.Alloc;

/// <summary>One request of a trace: allocate <see cref="Size"/> bytes into slot
/// <see cref="Slot"/>, or (Size 0) free what the slot holds.</summary>
public readonly record struct Op(int Slot, int Size)
{
    public bool IsFree => Size == 0;
}

/// <summary>
/// A request trace: the same list of allocations and frees for every allocator. Every
/// allocation is freed exactly once, the trace ending with frees of whatever is still live,
/// so a trace of <see cref="Allocations"/> allocations has twice as many operations. Built
/// from a fixed seed, so every run replays the same requests.
/// </summary>
public sealed class Trace
{
    public const int Allocations = 50_000;

    private Trace(string name, Op[] ops, int slots)
    {
        Name = name;
        Ops = ops;
        Slots = slots;
    }

    public string Name { get; }

    public Op[] Ops { get; }

    /// <summary>Most objects live at once: the size of the replayer's slot table.</summary>
    public int Slots { get; }

    public static IReadOnlyList<string> Names { get; } = ["fixed", "mixed", "producer-consumer", "fragmentation"];

    public static Trace Create(string name) => name switch
    {
        "fixed" => Fixed(),
        "mixed" => Mixed(),
        "producer-consumer" => ProducerConsumer(),
        "fragmentation" => Fragmentation(),
        _ => throw new ArgumentException("unknown trace " + name, nameof(name)),
    };

    /// <summary>24-byte requests, each freed 64 allocations later.</summary>
    private static Trace Fixed()
    {
        var b = new Builder();
        var window = new Queue<int>();
        for (int i = 0; i < Allocations; i++)
        {
            window.Enqueue(b.Alloc(24));
            if (window.Count > 64)
            {
                b.Free(window.Dequeue());
            }
        }

        return b.Finish("fixed");
    }

    /// <summary>Mostly small sizes up to 1 KiB; 80% die within 32 allocations, the rest
    /// live for 1,000 to 10,000.</summary>
    private static Trace Mixed()
    {
        var b = new Builder();
        var rng = new Random(6);
        var dueAt = new SortedDictionary<int, List<int>>();
        for (int i = 0; i < Allocations; i++)
        {
            int slot = b.Alloc(MixedSize(rng, 1024));
            int life = rng.Next(100) < 80 ? rng.Next(1, 33) : rng.Next(1000, 10_001);
            if (!dueAt.TryGetValue(i + life, out List<int>? list))
            {
                dueAt[i + life] = list = [];
            }

            list.Add(slot);
            if (dueAt.Remove(i, out List<int>? due))
            {
                due.ForEach(b.Free);
            }
        }

        return b.Finish("mixed");
    }

    /// <summary>A queue of batches: 256 allocations of 32 to 256 bytes per batch; with eight
    /// batches queued, the oldest is consumed (freed in order).</summary>
    private static Trace ProducerConsumer()
    {
        var b = new Builder();
        var rng = new Random(7);
        var queue = new Queue<List<int>>();
        for (int made = 0; made < Allocations; made += 256)
        {
            var batch = new List<int>(256);
            for (int i = 0; i < 256 && made + i < Allocations; i++)
            {
                batch.Add(b.Alloc(8 * rng.Next(4, 33)));
            }

            queue.Enqueue(batch);
            if (queue.Count > 8)
            {
                queue.Dequeue().ForEach(b.Free);
            }
        }

        return b.Finish("producer-consumer");
    }

    /// <summary>Rounds of 2,000 mixed allocations up to 512 bytes, then every other one freed
    /// and 500 larger ones (512 B to 4 KiB) allocated into the holes; a round frees the one
    /// before it.</summary>
    private static Trace Fragmentation()
    {
        var b = new Builder();
        var rng = new Random(8);
        List<int> previous = [];
        int made = 0;
        while (made < Allocations)
        {
            var round = new List<int>();
            for (int i = 0; i < 2000 && made < Allocations; i++, made++)
            {
                round.Add(b.Alloc(MixedSize(rng, 512)));
            }

            var kept = new List<int>();
            for (int i = 0; i < round.Count; i++)
            {
                if (i % 2 == 0)
                {
                    b.Free(round[i]);
                }
                else
                {
                    kept.Add(round[i]);
                }
            }

            for (int i = 0; i < 500 && made < Allocations; i++, made++)
            {
                kept.Add(b.Alloc(8 * rng.Next(64, 513)));
            }

            previous.ForEach(b.Free);
            previous = kept;
        }

        return b.Finish("fragmentation");
    }

    /// <summary>A size up to <paramref name="max"/>, 8-byte multiples, small ones most likely.</summary>
    private static int MixedSize(Random rng, int max)
    {
        int roll = rng.Next(100);
        int limit = roll < 70 ? 64 : roll < 95 ? 256 : max;
        return 8 * rng.Next(2, (limit / 8) + 1);
    }

    private sealed class Builder
    {
        private readonly List<Op> _ops = new(2 * Allocations);
        private readonly Stack<int> _freeSlots = new();
        private readonly HashSet<int> _live = [];
        private int _slots;

        public int Alloc(int size)
        {
            int slot = _freeSlots.Count > 0 ? _freeSlots.Pop() : _slots++;
            _live.Add(slot);
            _ops.Add(new Op(slot, size));
            return slot;
        }

        public void Free(int slot)
        {
            if (_live.Remove(slot))
            {
                _ops.Add(new Op(slot, 0));
                _freeSlots.Push(slot);
            }
        }

        public Trace Finish(string name)
        {
            foreach (int slot in _live.Order().ToList())
            {
                Free(slot);
            }

            return new Trace(name, [.. _ops], _slots);
        }
    }
}
