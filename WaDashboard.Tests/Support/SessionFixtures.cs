using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;
using WaDashboard.Core.Engines.Simulator;
using WaDashboard.Core.Storage;

namespace WaDashboard.Tests.Support;

/// <summary>
/// Real session folders on disk, in each engine's format, and the damage the field notes describe: truncated or empty
/// creds.json, missing keys, stale browser locks, fat caches, leftover temp files, a corrupt SQLite store.
/// </summary>
public static class SessionFixtures
{
    public const string Phone = "972501234567";

    /// <summary>A linked Baileys multi-file folder, as the simulator writes it after a scan.</summary>
    public static string Baileys(string folder, int preKeys = 5)
    {
        BaileysAuthFolder.Write(folder, Phone, Guid.NewGuid().ToString("N"), preKeys);
        return folder;
    }

    /// <summary>creds.json cut in half, as a crash in the middle of a write leaves it.</summary>
    public static void TruncateCreds(string folder) => Assert.True(BaileysAuthFolder.Truncate(folder));

    public static void EmptyCreds(string folder) => File.WriteAllBytes(Path.Combine(folder, "creds.json"), []);

    /// <summary>creds.json that parses but lacks the noise key and the identity key.</summary>
    public static void StripKeysFromCreds(string folder)
    {
        var path = Path.Combine(folder, "creds.json");
        var creds = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        creds.Remove("noiseKey");
        creds.Remove("signedIdentityKey");
        File.WriteAllText(path, creds.ToJsonString());
    }

    /// <summary>
    /// A whatsapp-web.js LocalAuth profile: Local State, the web.whatsapp.com IndexedDB and Local Storage (the login),
    /// and caches of the given size spread over Cache, Code Cache, GPUCache and Service Worker/CacheStorage.
    /// </summary>
    public static string ChromiumProfile(string folder, long cacheBytes = 0, bool withLogin = true)
    {
        Write(Path.Combine(folder, "Local State"), """{"profile":{"info_cache":{"Default":{"name":"Person 1"}}}}""");
        Write(Path.Combine(folder, "Default", "Preferences"), """{"profile":{"name":"Person 1"}}""");
        if (withLogin)
        {
            Write(Path.Combine(folder, "Default", "IndexedDB", "https_web.whatsapp.com_0.indexeddb.leveldb", "000003.log"), RandomBytes(4096));
            Write(Path.Combine(folder, "Default", "IndexedDB", "https_web.whatsapp.com_0.indexeddb.leveldb", "CURRENT"), "MANIFEST-000001\n");
            Write(Path.Combine(folder, "Default", "Local Storage", "leveldb", "000003.log"), RandomBytes(1024));
        }

        if (cacheBytes > 0)
        {
            string[] caches = ["Cache/Cache_Data", "Code Cache/js", "GPUCache", "Service Worker/CacheStorage/abc"];
            var each = cacheBytes / caches.Length;
            for (var i = 0; i < caches.Length; i++)
            {
                var size = i == caches.Length - 1 ? cacheBytes - (each * (caches.Length - 1)) : each;
                Write(Path.Combine([folder, "Default", .. caches[i].Split('/'), "data_0"]), new byte[size]);
            }
        }

        return folder;
    }

    /// <summary>Chromium's single-instance lock, left behind by a browser that crashed (a process id that does not run).</summary>
    public static void StaleLock(string folder)
    {
        File.CreateSymbolicLink(Path.Combine(folder, "SingletonLock"), $"{Environment.MachineName}-{DeadPid()}");
        File.CreateSymbolicLink(Path.Combine(folder, "SingletonSocket"), "/tmp/.org.chromium.Chromium.gone/SingletonSocket");
        File.CreateSymbolicLink(Path.Combine(folder, "SingletonCookie"), "8430172542154512011");
    }

    /// <summary>A whatsmeow SQLite store with a linked device and key rows (a real database file).</summary>
    public static string Whatsmeow(string folder, string name = "whatsmeow.db", int devices = 1, int preKeys = 50, int sessions = 20)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name);
        using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString()))
        {
            connection.Open();
            // A fixture needs no durability: skipping the journal and fsync keeps building hundreds of them fast.
            Execute(connection, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;");
            Execute(connection, """
                CREATE TABLE whatsmeow_device (jid TEXT PRIMARY KEY, registration_id BIGINT NOT NULL, noise_key BLOB NOT NULL, identity_key BLOB NOT NULL,
                    signed_pre_key BLOB NOT NULL, signed_pre_key_id INTEGER NOT NULL, adv_key BLOB NOT NULL, platform TEXT NOT NULL DEFAULT '', push_name TEXT NOT NULL DEFAULT '');
                CREATE TABLE whatsmeow_pre_keys (jid TEXT, key_id INTEGER, key BLOB NOT NULL, uploaded BOOLEAN NOT NULL, PRIMARY KEY (jid, key_id));
                CREATE TABLE whatsmeow_sessions (our_jid TEXT, their_id TEXT, session BLOB, PRIMARY KEY (our_jid, their_id));
                CREATE TABLE whatsmeow_identity_keys (our_jid TEXT, their_id TEXT, identity BLOB NOT NULL, PRIMARY KEY (our_jid, their_id));
                """);
            using var transaction = connection.BeginTransaction();
            for (var i = 0; i < devices; i++)
            {
                Insert(connection, "INSERT INTO whatsmeow_device VALUES ($a, 1234, $b, $b, $b, 1, $b, 'android', 'Phone')", $"{Phone}.0:{i + 1}@s.whatsapp.net", RandomBytes(32));
            }

            for (var i = 0; i < preKeys; i++)
            {
                Insert(connection, "INSERT INTO whatsmeow_pre_keys VALUES ('me', $a, $b, 1)", i, RandomBytes(64));
            }

            for (var i = 0; i < sessions; i++)
            {
                Insert(connection, "INSERT INTO whatsmeow_sessions VALUES ('me', $a, $b)", $"contact-{i}", RandomBytes(900));
            }

            transaction.Commit();
        }

        return path;
    }

    /// <summary>Overwrites every page after the first with garbage, as a torn write or a failing disk does.</summary>
    public static void CorruptDatabase(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var pageSize = (bytes[16] << 8) | bytes[17];
        pageSize = pageSize == 1 ? 65536 : pageSize;
        Assert.True(bytes.Length >= pageSize * 3, "the fixture database should span several pages");
        var garbage = RandomBytes(bytes.Length - pageSize);
        Array.Copy(garbage, 0, bytes, pageSize, garbage.Length);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Every entry under a folder (links not followed) with a hash of its content, to compare before and after.</summary>
    public static SortedDictionary<string, string> Manifest(string folder)
    {
        var manifest = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!Directory.Exists(folder))
        {
            return manifest;
        }

        foreach (var entry in FolderWalker.Walk(folder))
        {
            manifest[entry.RelativePath] = entry.IsLink ? "link:" + entry.Info.LinkTarget
                : entry.IsDirectory ? "dir"
                : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(entry.Info.FullName)));
        }

        return manifest;
    }

    public static void Write(string path, string text) => Write(path, Encoding.UTF8.GetBytes(text));

    public static void Write(string path, byte[] bytes)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Sets the write time of a file (to make a temp file old enough to be a leftover).</summary>
    public static void Age(string path, TimeSpan age, DateTimeOffset now) => File.SetLastWriteTimeUtc(path, (now - age).UtcDateTime);

    public static byte[] RandomBytes(int count) => RandomNumberGenerator.GetBytes(count);

    private static int DeadPid()
    {
        for (var pid = 4_000_000; ; pid--)
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(pid);
            }
            catch (ArgumentException)
            {
                return pid;
            }
        }
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static void Insert(SqliteConnection connection, string sql, object a, object b)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("$a", a);
        command.Parameters.AddWithValue("$b", b);
        command.ExecuteNonQuery();
    }
}
