namespace NexOS.Programs.DiskBench;

/// <summary>Per-operation times in ns, printed as one JSON line in the benchmarks' format
/// (bench/NexOS.Bench/BenchLine.cs): median, p99, mean, max and count.</summary>
internal sealed class Samples
{
    private readonly ulong[] _values;
    private readonly int _perSample;
    private int _count;

    /// <summary>Room for <paramref name="capacity"/> samples, each standing for
    /// <paramref name="perSample"/> operations (a batch's time is divided among them).</summary>
    public Samples(int capacity, int perSample = 1)
    {
        _values = new ulong[capacity];
        _perSample = perSample;
    }

    public void Add(ulong ns) => _values[_count++] = ns / (ulong)_perSample;

    public string Json(string name)
    {
        if (_count == 0)
        {
            return Error(name, "no samples");
        }

        ulong[] sorted = new ulong[_count];
        Array.Copy(_values, sorted, _count);

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
        return $"{{\"bench\":\"{name}\",\"unit\":\"ns\",\"median\":{median},\"p99\":{p99},\"mean\":{sum / (ulong)sorted.Length},\"max\":{sorted[^1]},\"n\":{_count * _perSample}}}";
    }

    public static string Error(string name, string why) => $"{{\"bench\":\"{name}\",\"error\":\"{why}\"}}";
}
