namespace WaDashboard.Bench.Reporting;

/// <summary>Measured durations or values; thread-safe to add to, with nearest-rank percentiles.</summary>
public sealed class Samples
{
    private readonly object _lock = new();
    private readonly List<double> _values = [];

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _values.Count;
            }
        }
    }

    public void Add(double value)
    {
        lock (_lock)
        {
            _values.Add(value);
        }
    }

    public void AddRange(IEnumerable<double> values)
    {
        lock (_lock)
        {
            _values.AddRange(values);
        }
    }

    /// <summary>The nearest-rank percentile (0-100); NaN when there are no samples.</summary>
    public double Percentile(double p)
    {
        double[] sorted;
        lock (_lock)
        {
            sorted = [.. _values];
        }

        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public double Median => Percentile(50);

    public double Max => Percentile(100);

    public double Mean
    {
        get
        {
            lock (_lock)
            {
                return _values.Count == 0 ? double.NaN : _values.Average();
            }
        }
    }
}
