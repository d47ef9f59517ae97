using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;
public static class Stacks
{
    // stacks <file> <typeSubstring> <from> <to>: top allocation call paths for a type
    public static void Run(string path, string type, double from, double to)
    {
        using var log = Attribution.Open(path);
        var counts = new Dictionary<string, long>();
        foreach (var e in log.Events)
        {
            if (e is not GCAllocationTickTraceData a || !a.TypeName.Contains(type) || e.TimeStampRelativeMSec < from*1000 || e.TimeStampRelativeMSec > to*1000) continue;
            var frames = new List<string>();
            for (var s = e.CallStack(); s != null && frames.Count < 14; s = s.Caller)
            {
                var m = s.CodeAddress.FullMethodName;
                if (string.IsNullOrEmpty(m)) continue;
                if (m.StartsWith("System.Runtime.CompilerServices") || m.StartsWith("System.Threading.ExecutionContext")) continue;
                frames.Add(m.Length > 110 ? m[..110] : m);
            }
            var key = string.Join("\n    ", frames);
            counts[key] = counts.GetValueOrDefault(key) + a.AllocationAmount64;
        }
        foreach (var kv in counts.OrderByDescending(k => k.Value).Take(4)) Console.WriteLine($"{kv.Value/1048576} MB\n    {kv.Key}\n");
    }
}
