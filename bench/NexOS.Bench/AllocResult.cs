namespace NexOS.Bench;

/// <summary>One allocator on one request trace, as bench/NexOS.AllocBench writes it to
/// alloc.json: mean ns per operation (an allocation or a free) and the peak bytes the
/// allocator held from the system while replaying the trace, by its own account and as the
/// process's resident memory grew (each allocator and trace in a fresh process).</summary>
public sealed record AllocResult(string Trace, string Allocator, double NsPerOp, double ErrorNs, long PeakBytes, long PeakResidentBytes = 0);
