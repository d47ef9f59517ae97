namespace WaDashboard.Core.Storage;

/// <summary>Size and counts of a folder (or a single file), with the newest write time seen.</summary>
public sealed record FolderStats(long Bytes, int Files, int Directories, DateTimeOffset? LastWrite)
{
    public static readonly FolderStats Empty = new(0, 0, 0, null);

    public double Megabytes => Bytes / (double)SessionStorageOptions.BytesPerMegabyte;
}

/// <summary>One entry met while walking a folder: its info and its path relative to the walked folder ('/' separated).</summary>
public readonly record struct WalkedEntry(FileSystemInfo Info, string RelativePath, bool IsLink)
{
    public bool IsDirectory => !IsLink && Info is DirectoryInfo;
}

/// <summary>
/// Walks folders without ever following a symbolic link: a link is reported as an entry of its own and never
/// entered, so a link inside a session folder cannot make a size, a count or a deletion reach outside it.
/// Entries that vanish or cannot be read while walking are skipped.
/// </summary>
public static class FolderWalker
{
    private static readonly EnumerationOptions OneLevel = new()
    {
        RecurseSubdirectories = false,
        AttributesToSkip = 0,
        IgnoreInaccessible = true,
        ReturnSpecialDirectories = false,
        MatchType = MatchType.Simple,
    };

    /// <summary>The entries directly inside <paramref name="folder"/> (none when it does not exist).</summary>
    public static IReadOnlyList<FileSystemInfo> List(string folder)
    {
        try
        {
            return new DirectoryInfo(folder).EnumerateFileSystemInfos("*", OneLevel).ToList();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>Every entry under <paramref name="folder"/>, depth first; <paramref name="descend"/> can keep the walk out of a sub-folder.</summary>
    public static IEnumerable<WalkedEntry> Walk(string folder, Func<WalkedEntry, bool>? descend = null)
    {
        var pending = new Stack<(string Path, string Relative)>();
        pending.Push((folder, ""));
        while (pending.Count > 0)
        {
            var (path, relative) = pending.Pop();
            foreach (var info in List(path))
            {
                var entry = new WalkedEntry(info, relative.Length == 0 ? info.Name : relative + "/" + info.Name, IsLink(info));
                yield return entry;
                if (entry.IsDirectory && (descend is null || descend(entry)))
                {
                    pending.Push((info.FullName, entry.RelativePath));
                }
            }
        }
    }

    /// <summary>Size, file count and newest write of a folder or file; a link counts as one file of size 0.</summary>
    public static FolderStats Measure(string path)
    {
        FileSystemInfo info = new FileInfo(path);
        if (!info.Exists && info.LinkTarget is null)
        {
            info = new DirectoryInfo(path);
            if (!info.Exists)
            {
                return FolderStats.Empty;
            }
        }

        if (IsLink(info) || info is FileInfo)
        {
            return new FolderStats(IsLink(info) ? 0 : ((FileInfo)info).Length, 1, 0, LastWrite(info));
        }

        long bytes = 0;
        int files = 0, directories = 0;
        var last = LastWrite(info);
        foreach (var entry in Walk(path))
        {
            var write = LastWrite(entry.Info);
            if (write is { } w && (last is null || w > last))
            {
                last = w;
            }

            if (entry.IsDirectory)
            {
                directories++;
                continue;
            }

            files++;
            if (!entry.IsLink && entry.Info is FileInfo file)
            {
                bytes += SafeLength(file);
            }
        }

        return new FolderStats(bytes, files, directories, last);
    }

    public static bool IsLink(FileSystemInfo info) =>
        (info.Attributes & FileAttributes.ReparsePoint) != 0 || info.LinkTarget is not null;

    /// <summary>True when something (a file, a folder or a link, even a dangling one) is at <paramref name="path"/>.</summary>
    public static bool EntryExists(string path)
    {
        var file = new FileInfo(path);
        return file.Exists || file.LinkTarget is not null || Directory.Exists(path);
    }

    private static long SafeLength(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    private static DateTimeOffset? LastWrite(FileSystemInfo info)
    {
        try
        {
            return new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }
}
