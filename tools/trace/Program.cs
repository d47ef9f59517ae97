using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// What the benchmark's latency tail is made of, from a dotnet-trace file (see docs/benchmarks.md):
//   pauses <file.nettrace> [fromSeconds toSeconds]   collection pauses per generation, bytes promoted, allocated types
//   allocations <file.nettrace>                      allocations by the innermost product frame (needs the gc-verbose profile)
//   stacks <file.nettrace> <type> <from> <to>        the call paths that allocate a type
if (args.Length < 2)
{
    Console.Error.WriteLine("usage: pauses|allocations|stacks <file.nettrace> [...]");
    return 2;
}

switch (args[0])
{
    case "allocations":
        Attribution.Run(args[1]);
        return 0;
    case "stacks" when args.Length == 5:
        Stacks.Run(args[1], args[2], double.Parse(args[3]), double.Parse(args[4]));
        return 0;
    case "pauses":
        Pauses(args[1], args.Length > 3 ? double.Parse(args[2]) * 1000 : 0, args.Length > 3 ? double.Parse(args[3]) * 1000 : double.MaxValue);
        return 0;
    default:
        Console.Error.WriteLine($"unknown command '{args[0]}'");
        return 2;
}

static void Pauses(string path, double from, double to)
{
    using var source = new EventPipeEventSource(path);
    var clr = new ClrTraceEventParser(source);
    double? suspendStart = null;
    var generation = -1;
    var pauses = new List<(double At, double Ms, int Gen)>();
    var allocated = new Dictionary<string, long>();
    long promoted0 = 0, promoted1 = 0;
    var collections = 0;
    bool Inside(TraceEvent e) => e.TimeStampRelativeMSec >= from && e.TimeStampRelativeMSec <= to;
    clr.GCStart += e => generation = e.Depth;
    clr.GCSuspendEEStart += e => suspendStart = e.TimeStampRelativeMSec;
    clr.GCRestartEEStop += e =>
    {
        if (suspendStart is { } start)
        {
            pauses.Add((start, e.TimeStampRelativeMSec - start, generation));
            suspendStart = null;
        }
    };
    clr.GCHeapStats += e =>
    {
        if (Inside(e))
        {
            promoted0 += e.TotalPromotedSize0;
            promoted1 += e.TotalPromotedSize1;
            collections++;
        }
    };
    clr.GCAllocationTick += e =>
    {
        if (Inside(e))
        {
            allocated[e.TypeName] = allocated.GetValueOrDefault(e.TypeName) + e.AllocationAmount64;
        }
    };
    source.Process();
    var inside = pauses.Where(p => p.At >= from && p.At <= to).ToList();
    Console.WriteLine($"trace {source.SessionDuration.TotalSeconds:F1} s; {inside.Count} pauses in the window, {inside.Sum(p => p.Ms):F0} ms in all");
    foreach (var byGeneration in inside.GroupBy(p => p.Gen).OrderBy(g => g.Key))
    {
        var ms = byGeneration.Select(p => p.Ms).Order().ToArray();
        Console.WriteLine($"  gen{byGeneration.Key}: {ms.Length} pauses, {ms.Sum():F0} ms, median {ms[ms.Length / 2]:F2} ms, longest {ms[^1]:F2} ms");
    }

    Console.WriteLine($"promoted per collection: gen0->1 {promoted0 / Math.Max(1, collections) / 1024} KB, gen1->2 {promoted1 / Math.Max(1, collections) / 1024} KB");
    var total = Math.Max(1, allocated.Values.Sum());
    if (allocated.Count > 0)
    {
        Console.WriteLine($"allocated (sampled): {total / 1048576} MB; largest types:");
        foreach (var (type, bytes) in allocated.OrderByDescending(k => k.Value).Take(25))
        {
            Console.WriteLine($"  {bytes * 100.0 / total,5:F1}% {bytes / 1048576,6} MB {type}");
        }
    }
}
