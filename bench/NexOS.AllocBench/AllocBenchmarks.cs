using BenchmarkDotNet.Attributes;

using NexOS.Bench.Alloc;

namespace NexOS.AllocBench;

/// <summary>One trace through one allocator per benchmark case; the figure is ns per
/// operation (an allocation or a free: every trace has two operations per allocation).</summary>
public class AllocBenchmarks
{
    private Trace _trace = null!;
    private nint[] _slots = null!;
    private IAllocator _allocator = null!;

    public static IEnumerable<string> TraceNames => Trace.Names;

    public static IEnumerable<string> AllocatorNames => Replayer.Allocators;

    [ParamsSource(nameof(TraceNames))]
    public string TraceName { get; set; } = "";

    [ParamsSource(nameof(AllocatorNames))]
    public string Allocator { get; set; } = "";

    [GlobalSetup]
    public void Setup()
    {
        _trace = Trace.Create(TraceName);
        _slots = new nint[_trace.Slots];
        _allocator = Replayer.Create(Allocator, _slots);
    }

    [Benchmark(OperationsPerInvoke = 2 * Trace.Allocations)]
    public void Replay() => Replayer.Run(_allocator, _trace, _slots);

    [GlobalCleanup]
    public void Cleanup() => _allocator.Dispose();
}
