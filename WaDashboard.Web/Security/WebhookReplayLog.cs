using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using WaDashboard.Core.Storage;

namespace WaDashboard.Web.Security;

/// <summary>
/// The ids of accepted webhooks, kept across restarts so that a signed webhook captured in flight cannot be replayed
/// after the dashboard restarts inside its timestamp window: an append-only file
/// <c>{Storage:DataDirectory}/webhooks/seen-ids</c> (0600, one "unix-ms id" line per webhook, flushed before the
/// webhook is acted on), read at start and rewritten without the ids that can no longer pass the timestamp check.
/// </summary>
public sealed class WebhookReplayLog : IDisposable
{
    private readonly object _lock = new();
    private readonly string _path;
    private FileStream? _file;
    private int _lines;

    public WebhookReplayLog(IOptions<StorageOptions> storage)
        : this(Path.Combine(storage.Value.ResolveDataDirectory(), "webhooks", "seen-ids"))
    {
    }

    public WebhookReplayLog(string path) => _path = path;

    /// <summary>Ids seen at or after <paramref name="since"/>; compacts the file to them.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> Load(DateTimeOffset since)
    {
        lock (_lock)
        {
            var seen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            if (File.Exists(_path))
            {
                foreach (var line in File.ReadLines(_path))
                {
                    var space = line.IndexOf(' ');
                    if (space > 0 && long.TryParse(line.AsSpan(0, space), NumberStyles.None, CultureInfo.InvariantCulture, out var ms)
                        && DateTimeOffset.FromUnixTimeMilliseconds(ms) is var at && at >= since)
                    {
                        seen[line[(space + 1)..]] = at;
                    }
                }
            }

            Rewrite(seen);
            return seen;
        }
    }

    /// <summary>Appends an accepted id; returns once it is on disk.</summary>
    public void Append(string id, DateTimeOffset at, Func<IReadOnlyDictionary<string, DateTimeOffset>>? live = null)
    {
        lock (_lock)
        {
            var file = _file ?? throw new InvalidOperationException("Load the replay log first.");
            file.Write(Encoding.UTF8.GetBytes(Line(id, at)));
            file.Flush(flushToDisk: true);
            _lines++;
            if (live is not null && _lines > 4096)
            {
                var current = live();
                if (_lines > 2 * current.Count + 1024)
                {
                    Rewrite(current);
                }
            }
        }
    }

    private void Rewrite(IReadOnlyDictionary<string, DateTimeOffset> seen)
    {
        _file?.Dispose();
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var temporary = _path + ".tmp";
        var create = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new FileStream(temporary, create))
        {
            writer.Write(Encoding.UTF8.GetBytes(string.Concat(seen.Select(s => Line(s.Key, s.Value)))));
            writer.Flush(flushToDisk: true);
        }

        File.Move(temporary, _path, overwrite: true);
        _file = new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read);
        _lines = seen.Count;
    }

    // Ids are checked to be printable before they get here: one line each.
    private static string Line(string id, DateTimeOffset at) =>
        string.Create(CultureInfo.InvariantCulture, $"{at.ToUnixTimeMilliseconds()} {id}\n");

    public void Dispose()
    {
        lock (_lock)
        {
            _file?.Dispose();
            _file = null;
        }
    }
}
