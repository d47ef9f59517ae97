using System.Text;
using ArchUnitNET.Domain;
using ArchUnitNET.Loader;

namespace WaDashboard.Tests.Architecture;

/// <summary>
/// The folders of one assembly (its namespaces below the root) and which folder's types use which other folder's
/// types, read from the compiled IL: a field, parameter, base type, call or attribute all count.
/// </summary>
public sealed class FolderGraph
{
    private static readonly Lazy<ArchUnitNET.Domain.Architecture> Loaded = new(() => new ArchLoader()
        .LoadAssemblies(typeof(Core.DependencyInjection).Assembly, typeof(Program).Assembly)
        .Build());

    private FolderGraph(string root, SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> edges, SortedSet<string> folders)
    {
        Root = root;
        Edges = edges;
        Folders = folders;
    }

    public string Root { get; }

    /// <summary>Every folder that declares a type ("" is the root itself).</summary>
    public SortedSet<string> Folders { get; }

    /// <summary>from folder → to folder → examples "FromType → ToType".</summary>
    public SortedDictionary<string, SortedDictionary<string, SortedSet<string>>> Edges { get; }

    public static FolderGraph Of(System.Reflection.Assembly assembly)
    {
        var root = assembly.GetName().Name!;
        var edges = new SortedDictionary<string, SortedDictionary<string, SortedSet<string>>>(StringComparer.Ordinal);
        var folders = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var type in Loaded.Value.Types)
        {
            var from = FolderOf(type, root);
            if (from is null) continue;
            folders.Add(from);
            foreach (var dependency in type.Dependencies)
            {
                var to = FolderOf(dependency.Target, root);
                if (to is null || to == from) continue;
                if (!edges.TryGetValue(from, out var targets))
                    edges[from] = targets = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
                if (!targets.TryGetValue(to, out var examples))
                    targets[to] = examples = new SortedSet<string>(StringComparer.Ordinal);
                examples.Add($"{Short(type)} → {Short(dependency.Target)}");
            }
        }
        return new FolderGraph(root, edges, folders);
    }

    private static string? FolderOf(IType type, string root)
    {
        if (type.Assembly?.Name is not { } assembly || assembly.Split(',')[0] != root) return null;
        var ns = type.Namespace?.FullName;
        if (ns is null) return null;
        if (ns == root) return "";
        return ns.StartsWith(root + ".", StringComparison.Ordinal) ? ns[(root.Length + 1)..].Replace('.', '/') : null;
    }

    private static string Short(IType type)
    {
        var name = type.FullName;
        var cut = name.IndexOf('+');
        if (cut > 0) name = name[..cut];
        cut = name.IndexOf('`');
        if (cut > 0) name = name[..cut];
        return name[(name.LastIndexOf('.') + 1)..];
    }

    /// <summary>The strongly connected sets of more than one folder: each is a loop of imports.</summary>
    public IReadOnlyList<IReadOnlyList<string>> Loops()
    {
        // Tarjan's algorithm over the folder graph.
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var onStack = new HashSet<string>();
        var stack = new Stack<string>();
        var result = new List<IReadOnlyList<string>>();
        var next = 0;

        void Visit(string v)
        {
            index[v] = low[v] = next++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in Edges.TryGetValue(v, out var targets) ? targets.Keys : Enumerable.Empty<string>())
            {
                if (!index.ContainsKey(w))
                {
                    Visit(w);
                    low[v] = Math.Min(low[v], low[w]);
                }
                else if (onStack.Contains(w))
                {
                    low[v] = Math.Min(low[v], index[w]);
                }
            }
            if (low[v] != index[v]) return;
            var set = new List<string>();
            string x;
            do
            {
                x = stack.Pop();
                onStack.Remove(x);
                set.Add(x);
            } while (x != v);
            if (set.Count > 1) result.Add(set.Order(StringComparer.Ordinal).ToList());
        }

        foreach (var folder in Folders.Concat(Edges.Keys))
            if (!index.ContainsKey(folder)) Visit(folder);
        return result;
    }

    /// <summary>One line a folder: what it uses, with one example each, then the loops.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        foreach (var folder in Folders)
        {
            var name = folder.Length == 0 ? "(root)" : folder;
            var targets = Edges.TryGetValue(folder, out var t) ? t : new();
            text.Append(name).Append(" → ");
            text.AppendLine(targets.Count == 0 ? "(nothing)" : string.Join(", ", targets.Keys.Select(k => k.Length == 0 ? "(root)" : k)));
        }
        var loops = Loops();
        text.AppendLine(loops.Count == 0 ? "no loops" : $"{loops.Count} loop(s):");
        foreach (var loop in loops)
        {
            text.Append("  {").Append(string.Join(", ", loop.Select(k => k.Length == 0 ? "(root)" : k))).AppendLine("}");
            foreach (var from in loop)
                foreach (var to in loop)
                    if (Edges.TryGetValue(from, out var t) && t.TryGetValue(to, out var examples))
                        text.Append("    ").Append(from).Append(" → ").Append(to).Append(": ")
                            .AppendLine(string.Join("; ", examples.Take(3)));
        }
        return text.ToString();
    }
}
