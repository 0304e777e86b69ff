using System.Security.Cryptography;

namespace Sensor.Detectors.Findings;

/// <summary>
/// The HMAC key behind finding fingerprints: read from the configured file, or generated once (32 random bytes) and
/// stored with mode 0600, created atomically: under an exclusive lock on a sibling <c>.lock</c> file (so two sensors
/// starting together agree on one key: a rename "without overwrite" is a check and a rename on file systems without
/// <c>RENAME_NOREPLACE</c>, and two creators both won) and written to a private temporary file, then renamed (so no
/// reader ever sees a half-written file).
/// </summary>
public static class FingerprintKey
{
    /// <summary>HMAC-SHA256 keys shorter than this are refused (RFC 2104 2: at least the hash output, 32 bytes, recommended; 16 is the floor).</summary>
    public const int MinKeyBytes = 16;

    private const int GeneratedKeyBytes = 32;

    /// <summary>Tries to take the creation lock (10 ms apart: 2 s), far more than writing 32 bytes takes.</summary>
    private const int LockAttempts = 200;

    /// <summary>Where the key lives when the config names none: <c>$XDG_STATE_HOME/sensor/fingerprint.key</c> or <c>~/.local/state/sensor/fingerprint.key</c>.</summary>
    public static string DefaultPath
    {
        get
        {
            var state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
            if (string.IsNullOrEmpty(state))
            {
                state = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
            }

            return Path.Combine(state, "sensor", "fingerprint.key");
        }
    }

    /// <summary>Reads the key at <paramref name="path"/>, creating it first when missing. Returns null with <paramref name="error"/> on failure.</summary>
    public static byte[]? LoadOrCreate(string path, out string? error)
    {
        error = null;
        try
        {
            if (!File.Exists(path))
            {
                Create(path);
            }

            var key = File.ReadAllBytes(path);
            if (key.Length < MinKeyBytes)
            {
                error = $"{path}: an HMAC key needs at least {MinKeyBytes} bytes";
                return null;
            }

            return key;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: {e.GetType().Name}";
            return null;
        }
    }

    private static void Create(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        if (!Directory.Exists(directory))
        {
            if (OperatingSystem.IsWindows())
            {
                Directory.CreateDirectory(directory);
            }
            else
            {
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        var lockPath = Path.Combine(directory, $".{Path.GetFileName(path)}.lock");
        using var creationLock = Lock(lockPath);
        if (File.Exists(path))
        {
            File.Delete(lockPath); // another sensor created it while this one waited
            return;
        }

        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                stream.Write(RandomNumberGenerator.GetBytes(GeneratedKeyBytes));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);

            // Unlinked while still held: a waiter then locks a new file and finds the key made under this lock.
            File.Delete(lockPath);
        }
    }

    /// <summary>An exclusive lock (FileShare.None: flock on Unix) held while the stream is open.</summary>
    private static FileStream Lock(string lockPath)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return new FileStream(lockPath, options);
            }
            catch (IOException) when (attempt < LockAttempts)
            {
                Thread.Sleep(10); // held by another creator
            }
        }
    }
}
