namespace NexOS.Bench;

/// <summary>One allocator on one request trace, as bench/NexOS.AllocBench writes it to
/// alloc.json: mean ns per operation (an allocation or a free) and the peak bytes the
/// allocator held from the system while replaying the trace.</summary>
public sealed record AllocResult(string Trace, string Allocator, double NsPerOp, double ErrorNs, long PeakBytes);
