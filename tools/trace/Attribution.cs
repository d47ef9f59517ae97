using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
public static class Attribution
{
    /// <summary>The trace with its call stacks resolved; the conversion is kept beside it (.etlx) and reused.</summary>
    public static TraceLog Open(string path)
    {
        var etlx = Path.ChangeExtension(path, ".etlx");
        if (!File.Exists(etlx))
        {
            TraceLog.CreateFromEventPipeDataFile(path, etlx);
        }

        return new TraceLog(etlx);
    }

    // allocations <file>: allocations grouped by the innermost WaDashboard frame (then type), over the whole trace, excluding seeding (FleetSeed) and raw floor
    public static void Run(string path)
    {
        using var log = Open(path);
        var byFrame = new Dictionary<string, long>(); var byType = new Dictionary<string, long>(); long total = 0;
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData a) continue;
            string? first = null; bool skip = false; string? leaf = null;
            for (var s = e.CallStack(); s != null; s = s.Caller)
            {
                var m = s.CodeAddress.FullMethodName ?? "";
                if (m.Contains("FleetSeed") || m.Contains("RawSqlite")) { skip = true; break; }
                if (leaf is null && m.Length > 0 && !m.StartsWith("System.")) leaf = m;
                if (first is null && (m.StartsWith("WaDashboard.Core") )) first = m;
            }
            if (skip || first is null) continue;
            var k = (first.Length > 100 ? first[..100] : first);
            byFrame[k] = byFrame.GetValueOrDefault(k) + a.AllocationAmount64;
            var t = a.TypeName + "  <- " + (leaf is null ? "" : leaf.Length > 80 ? leaf[..80] : leaf);
            byType[t] = byType.GetValueOrDefault(t) + a.AllocationAmount64;
            total += a.AllocationAmount64;
        }
        Console.WriteLine($"Core-attributed {total/1048576} MB");
        foreach (var kv in byFrame.OrderByDescending(k => k.Value).Take(25)) Console.WriteLine($"{kv.Value*100.0/total,5:F1}% {kv.Key}");
        Console.WriteLine();
        foreach (var kv in byType.OrderByDescending(k => k.Value).Take(25)) Console.WriteLine($"{kv.Value*100.0/total,5:F1}% {kv.Key}");
    }
}
