using System.Linq;
using NexOS.Core.Metrics;
using NexOS.Storage;
using NexOS.Storage.Block;

namespace NexOS.Tests.Storage.Block;

[TestFixture]
public sealed class IoSchedulerTests
{
    private const int Bs = 512;

    private sealed class Completions : IIoCompletion
    {
        public List<(int Tag, StorageStatus Status)> Done { get; } = new();

        public void Complete(int tag, StorageStatus status) => Done.Add((tag, status));
    }

    private static (MemoryBlockDevice Disk, IoScheduler Scheduler, ManualClock Clock, Completions Done) Create(IIoSchedulerPolicy policy, int capacity = 32)
    {
        var disk = new MemoryBlockDevice(Bs, 1024);
        var clock = new ManualClock();
        return (disk, new IoScheduler(disk, policy, clock, capacity), clock, new Completions());
    }

    private static byte[] Blocks(int count, byte seed)
    {
        byte[] b = new byte[count * Bs];
        for (int i = 0; i < b.Length; i++)
        {
            b[i] = (byte)(seed + (i / Bs));
        }

        return b;
    }

    [Test]
    public void DeadlineMergesAdjacentWritesIntoOneDeviceCall()
    {
        var registry = new MetricsRegistry();
        var metrics = new BlockMetrics(registry, "t");
        var disk = new MemoryBlockDevice(Bs, 1024);
        var s = new IoScheduler(disk, new DeadlineIoPolicy(), new ManualClock(), 32, metrics);
        var done = new Completions();
        ulong[] order = { 5, 3, 4, 10, 6 };
        byte[][] buffers = new byte[order.Length][];
        for (int i = 0; i < order.Length; i++)
        {
            buffers[i] = Blocks(1, (byte)(order[i] * 10));
            Assert.That(s.Enqueue(IoKind.Write, order[i], buffers[i], 0, 1, done, i), Is.EqualTo(StorageStatus.Ok));
        }

        Assert.That(s.Queued, Is.EqualTo(5));
        Assert.That(metrics.QueueDepth.Max, Is.EqualTo(5));
        Assert.That(s.Drain(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(disk.Log, Is.EqualTo(new[] { (true, 3UL, 4), (true, 10UL, 1) }));
        Assert.That(metrics.Merges.Value, Is.EqualTo(3));
        Assert.That(metrics.BytesWritten.Value, Is.EqualTo(5 * Bs));
        Assert.That(done.Done.Count, Is.EqualTo(5));
        Assert.That(s.Queued, Is.Zero);
        for (int i = 0; i < order.Length; i++)
        {
            Assert.That(disk.Current[(int)order[i] * Bs], Is.EqualTo((byte)(order[i] * 10)), $"block {order[i]}");
        }
    }

    [Test]
    public void MergedReadsScatterIntoEachBuffer()
    {
        (MemoryBlockDevice disk, IoScheduler s, _, Completions done) = Create(new DeadlineIoPolicy());
        Blocks(4, 40).CopyTo(disk.Current, 40 * Bs);
        byte[] a = new byte[2 * Bs];
        byte[] b = new byte[Bs + 7];
        s.Enqueue(IoKind.Read, 42, a, 0, 2, done, 1);
        s.Enqueue(IoKind.Read, 41, b, 7, 1, done, 2);
        Assert.That(s.Drain(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(disk.Log, Is.EqualTo(new[] { (false, 41UL, 3) }));
        Assert.That(b[7], Is.EqualTo(41));
        Assert.That(a[0], Is.EqualTo(42));
        Assert.That(a[Bs], Is.EqualTo(43));
    }

    [Test]
    public void MaxMergeBlocksLimitsChains()
    {
        var policy = new DeadlineIoPolicy();
        Assert.That(policy.Parameters.TrySet("max_merge_blocks", 2), Is.Null);
        (MemoryBlockDevice disk, IoScheduler s, _, Completions done) = Create(policy);
        byte[] data = Blocks(1, 1);
        for (ulong b = 0; b < 5; b++)
        {
            s.Enqueue(IoKind.Write, b, data, 0, 1, done, 0);
        }

        s.Drain();
        foreach ((bool _, ulong _, int count) in disk.Log)
        {
            Assert.That(count, Is.LessThanOrEqualTo(2));
        }

        Assert.That(disk.Log.Count, Is.EqualTo(3));
    }

    [Test]
    public void FifoKeepsQueueOrderAndNeverMerges()
    {
        (MemoryBlockDevice disk, IoScheduler s, _, Completions done) = Create(new FifoIoPolicy());
        byte[] data = Blocks(1, 1);
        ulong[] order = { 9, 3, 4, 1 };
        foreach (ulong b in order)
        {
            s.Enqueue(IoKind.Write, b, data, 0, 1, done, (int)b);
        }

        s.Drain();
        Assert.That(disk.Log.Select(l => l.Block), Is.EqualTo(order));
        Assert.That(done.Done.Select(d => d.Tag), Is.EqualTo(order.Select(b => (int)b)));
    }

    [Test]
    public void ElevatorServesReadsInAscendingBlockOrderFromTheHead()
    {
        (MemoryBlockDevice disk, IoScheduler s, _, Completions done) = Create(new DeadlineIoPolicy());
        byte[] buf = new byte[Bs];
        foreach (ulong b in new ulong[] { 50, 10, 30, 20 })
        {
            s.Enqueue(IoKind.Read, b, buf, 0, 1, done, 0);
        }

        s.Dispatch(out _);
        s.Enqueue(IoKind.Read, 5, buf, 0, 1, done, 0);
        s.Enqueue(IoKind.Read, 25, buf, 0, 1, done, 0);
        s.Drain();
        Assert.That(disk.Log.Select(l => l.Block), Is.EqualTo(new ulong[] { 10, 20, 25, 30, 50, 5 }));
    }

    [Test]
    public void ReadsGoFirstUnlessAWriteHasExpired()
    {
        var policy = new DeadlineIoPolicy();
        (MemoryBlockDevice disk, IoScheduler s, ManualClock clock, Completions done) = Create(policy);
        byte[] buf = new byte[Bs];
        s.Enqueue(IoKind.Write, 1, buf, 0, 1, done, 0);
        s.Enqueue(IoKind.Read, 100, buf, 0, 1, done, 0);
        s.Dispatch(out _);
        Assert.That(disk.Log[0].Write, Is.False, "the read went first");
        s.Drain();

        disk.Log.Clear();
        s.Enqueue(IoKind.Write, 1, buf, 0, 1, done, 0);
        clock.NowNanoseconds += (ulong)policy.Parameters.Find("write_deadline_ns")!.Value;
        s.Enqueue(IoKind.Read, 100, buf, 0, 1, done, 0);
        s.Dispatch(out _);
        Assert.That(disk.Log[0].Write, Is.True, "the expired write went first");
    }

    [TestCase("batch_size", 0)]
    [TestCase("batch_size", 1025)]
    [TestCase("max_merge_blocks", 0)]
    [TestCase("max_merge_blocks", DeadlineIoPolicy.MaxMergeBlocksLimit + 1)]
    [TestCase("read_deadline_ns", 99_999)]
    [TestCase("write_deadline_ns", -1)]
    [TestCase("no_such_parameter", 1)]
    public void OutOfRangeParametersAreRefused(string name, long value)
    {
        var policy = new DeadlineIoPolicy();
        long before = policy.Parameters.Find(name)?.Value ?? 0;
        Assert.That(policy.Parameters.TrySet(name, value), Is.Not.Null);
        Assert.That(policy.Parameters.Find(name)?.Value ?? 0, Is.EqualTo(before));
    }

    [Test]
    public void EnqueueRejectsBadRequestsAndAFullPool()
    {
        (MemoryBlockDevice disk, IoScheduler s, _, Completions done) = Create(new FifoIoPolicy(), capacity: 2);
        byte[] buf = new byte[2 * Bs];
        Assert.Multiple(() =>
        {
            Assert.That(s.Enqueue(IoKind.Read, 0, buf, 0, 0, done, 0), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(s.Enqueue(IoKind.Read, 0, buf, 1, 2, done, 0), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(s.Enqueue(IoKind.Read, 0, buf, -1, 1, done, 0), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(s.Enqueue(IoKind.Read, 1023, buf, 0, 2, done, 0), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(s.Enqueue(IoKind.Read, ulong.MaxValue, buf, 0, 1, done, 0), Is.EqualTo(StorageStatus.BadArgument));
            Assert.That(s.Enqueue(IoKind.Read, 0, buf, 0, 1, done, 0), Is.EqualTo(StorageStatus.Ok));
            Assert.That(s.Enqueue(IoKind.Read, 1, buf, 0, 1, done, 0), Is.EqualTo(StorageStatus.Ok));
            Assert.That(s.Enqueue(IoKind.Read, 2, buf, 0, 1, done, 0), Is.EqualTo(StorageStatus.LimitReached));
        });
        Assert.That(s.SetPolicy(new DeadlineIoPolicy()), Is.False, "no policy swap with requests queued");
        Assert.That(s.Drain(), Is.EqualTo(StorageStatus.Ok));
        Assert.That(s.SetPolicy(new DeadlineIoPolicy()), Is.True);
        disk.ReadOnly = true;
        Assert.That(s.Enqueue(IoKind.Write, 0, buf, 0, 1, done, 0), Is.EqualTo(StorageStatus.ReadOnly));
    }

    [Test]
    public void AFailedMergedWriteCompletesEveryMemberWithTheError()
    {
        (MemoryBlockDevice disk, IoScheduler s, _, Completions done) = Create(new DeadlineIoPolicy());
        disk.FailWrites.Add(7);
        byte[] buf = new byte[Bs];
        for (ulong b = 5; b < 9; b++)
        {
            s.Enqueue(IoKind.Write, b, buf, 0, 1, done, (int)b);
        }

        s.Enqueue(IoKind.Write, 20, buf, 0, 1, done, 20);
        Assert.That(s.Drain(), Is.EqualTo(StorageStatus.IoError));
        Assert.That(done.Done.Where(d => d.Tag < 20).All(d => d.Status == StorageStatus.IoError), Is.True);
        Assert.That(done.Done.Single(d => d.Tag == 20).Status, Is.EqualTo(StorageStatus.Ok));
        Assert.That(s.Flush(), Is.EqualTo(StorageStatus.Ok));
    }

    [Test]
    public void LatencyIsMeasuredFromQueueingToCompletion()
    {
        var metrics = new BlockMetrics(new MetricsRegistry(), "lat");
        var disk = new MemoryBlockDevice(Bs, 64);
        var clock = new ManualClock { NowNanoseconds = 1000 };
        var s = new IoScheduler(disk, new FifoIoPolicy(), clock, 8, metrics);
        s.Enqueue(IoKind.Read, 1, new byte[Bs], 0, 1, null, 0);
        clock.NowNanoseconds += 5000;
        s.Drain();
        Assert.That(metrics.ReadLatency.Count, Is.EqualTo(1));
        Assert.That(metrics.ReadLatency.Max, Is.EqualTo(5000));
    }

    [Test]
    public void RandomQueuedBatchesMatchAPlainArray([Values(1, 2, 3, 4)] int seed)
    {
        var rng = new Random(seed);
        var policy = new DeadlineIoPolicy();
        (MemoryBlockDevice disk, IoScheduler s, ManualClock clock, Completions done) = Create(policy, 64);
        byte[] model = new byte[disk.Current.Length];
        for (int round = 0; round < 200; round++)
        {
            policy.Parameters.TrySet("batch_size", rng.Next(1, 20));
            policy.Parameters.TrySet("max_merge_blocks", rng.Next(1, 40));
            // Distinct blocks per batch: a batch must not read and write the same block.
            var used = new HashSet<ulong>();
            var reads = new List<(ulong Block, byte[] Buffer)>();
            int n = rng.Next(1, 40);
            for (int i = 0; i < n; i++)
            {
                ulong b = (ulong)rng.Next(200);
                if (!used.Add(b))
                {
                    continue;
                }

                byte[] buf = new byte[Bs];
                if (rng.Next(2) == 0)
                {
                    rng.NextBytes(buf);
                    buf.CopyTo(model, (int)b * Bs);
                    Assert.That(s.Enqueue(IoKind.Write, b, buf, 0, 1, done, 0), Is.EqualTo(StorageStatus.Ok));
                }
                else
                {
                    reads.Add((b, buf));
                    Assert.That(s.Enqueue(IoKind.Read, b, buf, 0, 1, done, 0), Is.EqualTo(StorageStatus.Ok));
                }

                clock.NowNanoseconds += (ulong)rng.Next(1_000_000_000);
            }

            byte[] before = (byte[])model.Clone();
            Assert.That(s.Drain(), Is.EqualTo(StorageStatus.Ok));
            Assert.That(s.Queued, Is.Zero);
            foreach ((ulong b, byte[] buf) in reads)
            {
                Assert.That(buf.AsSpan().SequenceEqual(before.AsSpan((int)b * Bs, Bs)), Is.True);
            }
        }

        Assert.That(disk.Current.AsSpan().SequenceEqual(model), Is.True);
    }
}
