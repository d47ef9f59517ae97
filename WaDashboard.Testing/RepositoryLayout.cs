namespace WaDashboard.Testing;

/// <summary>Where the repository and the app's executable are, from the binaries of the tests or the bench.</summary>
public static class RepositoryLayout
{
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>The folder holding WaDashboard.sln, walking up from the running binaries, then from the current folder.</summary>
    public static string Root()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "WaDashboard.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No WaDashboard.sln above {AppContext.BaseDirectory} or {Environment.CurrentDirectory}; run from the repository.");
    }

    public static string WebContentRoot() => Path.Combine(Root(), "WaDashboard.Web");

    /// <summary>The app's executable built in the same configuration as the caller (the test and bench projects build it).</summary>
    public static string WebExecutable()
    {
        var output = Path.Combine(WebContentRoot(), "bin", Configuration, "net10.0");
        var executable = File.Exists(Path.Combine(output, "WaDashboard.Web")) ? Path.Combine(output, "WaDashboard.Web") : null;
        return executable ?? throw new InvalidOperationException(
            $"The WaDashboard.Web executable is not under {output}. Build the tests or the bench in {Configuration} (dotnet build -c {Configuration}); they build the app too.");
    }

    /// <summary>The commit the code runs on, read from .git without running git.</summary>
    public static string Commit()
    {
        try
        {
            var git = Path.Combine(Root(), ".git");
            if (File.Exists(git))
            {
                // A linked checkout: ".git" is a file naming the real git folder.
                git = File.ReadAllText(git).Trim().Replace("gitdir:", "", StringComparison.Ordinal).Trim();
            }

            var head = File.ReadAllText(Path.Combine(git, "HEAD")).Trim();
            if (!head.StartsWith("ref:", StringComparison.Ordinal))
            {
                return head[..Math.Min(12, head.Length)];
            }

            var reference = head[4..].Trim();
            var commonFile = Path.Combine(git, "commondir");
            var common = File.Exists(commonFile) ? Path.GetFullPath(Path.Combine(git, File.ReadAllText(commonFile).Trim())) : git;
            foreach (var folder in new[] { git, common })
            {
                var path = Path.Combine(folder, reference);
                if (File.Exists(path))
                {
                    return File.ReadAllText(path).Trim()[..12];
                }
            }

            var packed = Path.Combine(common, "packed-refs");
            var line = File.Exists(packed) ? File.ReadLines(packed).FirstOrDefault(l => l.EndsWith(" " + reference, StringComparison.Ordinal)) : null;
            return line is null ? "unknown" : line[..12];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException)
        {
            return "unknown";
        }
    }
}
