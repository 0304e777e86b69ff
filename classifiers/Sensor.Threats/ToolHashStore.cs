using System.Text.Json;

namespace Sensor.Threats;

/// <summary>
/// Remembers the definition hash of each (server host, tool) seen in a <c>tools/list</c> answer, across sessions and,
/// with a state directory, across runs: a small JSON file replaced atomically (write a temp file, then rename over the
/// old one). Shared by all workers, hence the lock; it is touched once per listed tool, not per packet.
/// </summary>
public sealed class ToolHashStore
{
    /// <summary>(host, tool) pairs kept: a large deployment's MCP servers times their tools, with room to spare. Beyond it the oldest go.</summary>
    public const int MaxEntries = 16_384;

    /// <summary>Longest key built on the stack (chars): a DNS name (253) plus a long tool name; longer keys use the heap.</summary>
    private const int MaxStackKeyChars = 512;

    /// <summary>The store file's name under the state directory.</summary>
    public const string FileName = "mcp-tool-hashes.json";

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly string? _path;
    private long _sequence;

    /// <param name="stateDirectory">Where the file lives; null keeps the hashes in memory only.</param>
    public ToolHashStore(string? stateDirectory)
    {
        if (stateDirectory is null)
        {
            return;
        }

        _path = Path.Combine(stateDirectory, FileName);
        Load();
    }

    /// <summary>True when the last save failed (the hashes are still kept in memory).</summary>
    public bool SaveFailed { get; private set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Records <paramref name="hash"/> for (<paramref name="host"/>, <paramref name="tool"/>) and returns what was known
    /// before (null the first time). <paramref name="evicted"/> says the cap pushed an older entry out.
    /// </summary>
    public Entry? Record(string host, string tool, string hash, string? sessionId, long timestampMicros, out bool evicted)
    {
        evicted = false;
        // The key (lower-case host, newline, tool) is looked up from a stack buffer: servers list the same tools on
        // every session, so it is made as a string only when an entry is added or changes.
        var length = host.Length + 1 + tool.Length;
        Span<char> key = length <= MaxStackKeyChars ? stackalloc char[length] : new char[length];
        host.AsSpan().ToLowerInvariant(key);
        key[host.Length] = '\n';
        tool.AsSpan().CopyTo(key[(host.Length + 1)..]);
        lock (_lock)
        {
            _entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var previous);
            if (previous is not null && previous.Hash == hash)
            {
                return previous;
            }

            if (previous is null && _entries.Count >= MaxEntries)
            {
                var oldest = _entries.MinBy(e => e.Value.Sequence).Key;
                _entries.Remove(oldest);
                evicted = true;
            }

            _entries[key.ToString()] = new Entry(hash, sessionId, timestampMicros, ++_sequence);
            Save();
            return previous;
        }
    }

    /// <summary>One remembered definition: its hash, the session that showed it first, when, and an insertion number for eviction.</summary>
    public sealed record Entry(string Hash, string? SessionId, long FirstSeenMicros, long Sequence);

    private void Load()
    {
        try
        {
            if (_path is null || !File.Exists(_path))
            {
                return;
            }

            using var document = JsonDocument.Parse(File.ReadAllBytes(_path));
            foreach (var item in document.RootElement.GetProperty("tools").EnumerateArray())
            {
                if (_entries.Count >= MaxEntries)
                {
                    break;
                }

                var host = item.GetProperty("host").GetString();
                var tool = item.GetProperty("tool").GetString();
                var hash = item.GetProperty("sha256").GetString();
                if (host is null || tool is null || hash is null)
                {
                    continue;
                }

                var session = item.TryGetProperty("session", out var s) ? s.GetString() : null;
                var seen = item.TryGetProperty("first_seen_us", out var t) && t.TryGetInt64(out var micros) ? micros : 0;
                _entries[host + "\n" + tool] = new Entry(hash, session, seen, ++_sequence);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException or KeyNotFoundException)
        {
            // An unreadable store starts empty: the next tools/list answers rebuild it; the old file is replaced on save.
            _entries.Clear();
        }
    }

    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        var temp = _path + ".tmp";
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
            {
                writer.WriteStartObject();
                writer.WriteNumber("version", 1);
                writer.WriteStartArray("tools");
                foreach (var (key, entry) in _entries.OrderBy(e => e.Value.Sequence))
                {
                    var split = key.IndexOf('\n', StringComparison.Ordinal);
                    writer.WriteStartObject();
                    writer.WriteString("host", key[..split]);
                    writer.WriteString("tool", key[(split + 1)..]);
                    writer.WriteString("sha256", entry.Hash);
                    if (entry.SessionId is not null)
                    {
                        writer.WriteString("session", entry.SessionId);
                    }

                    writer.WriteNumber("first_seen_us", entry.FirstSeenMicros);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            File.Move(temp, _path, overwrite: true);
            SaveFailed = false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            SaveFailed = true;
        }
    }
}
