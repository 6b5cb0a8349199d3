namespace NexOS.UserLib;

/// <summary>
/// A benchmark's per-operation times in ns, one per batch (a batch's time divided among its
/// operations), printed as one JSON line in the format the host's harness reads
/// (bench/NexOS.Bench/BenchLine.cs): median, p99, mean, max and the operations counted. The
/// user-space benchmark programs (user/ubench, user/diskbench) share it.
/// </summary>
public sealed class BenchSamples
{
    private readonly ulong[] _perOperation;
    private int _count;

    /// <summary>Room for <paramref name="batches"/> samples of <paramref name="perBatch"/>
    /// operations each.</summary>
    public BenchSamples(int batches, int perBatch = 1)
    {
        Batches = batches;
        PerBatch = perBatch;
        _perOperation = new ulong[batches];
    }

    public int Batches { get; }

    public int PerBatch { get; }

    /// <summary>Adds one batch's time (ignored once every batch is in).</summary>
    public void Add(ulong batchNs)
    {
        if (_count < _perOperation.Length)
        {
            _perOperation[_count++] = batchNs / (ulong)PerBatch;
        }
    }

    /// <summary>A figure's error line in the same format.</summary>
    public static string Error(string name, string why) => $"{{\"bench\":\"{name}\",\"error\":\"{why}\"}}";

    /// <summary>The figure's JSON line; an error line when nothing was added.</summary>
    public string Json(string name)
    {
        if (_count == 0)
        {
            return Error(name, "no samples");
        }

        // A plain copy: slicing an array with a range goes through reflection.
        ulong[] sorted = new ulong[_count];
        Array.Copy(_perOperation, sorted, _count);

        // Insertion sort: Array.Sort needs the runtime type loader, which user programs do not carry.
        for (int i = 1; i < sorted.Length; i++)
        {
            ulong v = sorted[i];
            int j = i - 1;
            for (; j >= 0 && sorted[j] > v; j--)
            {
                sorted[j + 1] = sorted[j];
            }

            sorted[j + 1] = v;
        }

        ulong sum = 0;
        foreach (ulong v in sorted)
        {
            sum += v;
        }

        ulong median = sorted[sorted.Length / 2];
        ulong p99 = sorted[Math.Min(sorted.Length - 1, sorted.Length * 99 / 100)];
        return $"{{\"bench\":\"{name}\",\"unit\":\"ns\",\"median\":{median},\"p99\":{p99},\"mean\":{sum / (ulong)sorted.Length},\"max\":{sorted[^1]},\"n\":{_count * PerBatch}}}";
    }
}
