namespace Sensor.Host.Commands;

/// <summary>
/// Validates a <c>--keylog</c> file (NSS SSLKEYLOGFILE format: <c>LABEL &lt;client_random hex&gt; &lt;secret hex&gt;</c>)
/// and counts its secrets for the summary. Nothing of the secrets is ever printed.
/// </summary>
internal static class KeyLogCheck
{
    public static string? Describe(string path, out string? error)
    {
        error = null;
        try
        {
            var secrets = 0;
            var randoms = new HashSet<string>(StringComparer.Ordinal);
            var malformed = 0;
            foreach (var line in File.ReadLines(path))
            {
                if (line.Length == 0 || line[0] == '#')
                {
                    continue;
                }

                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 3 && parts[1].Length == 64 && parts[2].Length % 2 == 0 && IsHex(parts[1]) && IsHex(parts[2]))
                {
                    secrets++;
                    randoms.Add(parts[1]);
                }
                else
                {
                    malformed++;
                }
            }

            return $"TLS key log {Path.GetFileName(path)}: {secrets} secrets for {randoms.Count} sessions, {malformed} malformed lines " +
                   "(payload decryption is not in this version: TLS flows are reported from metadata)";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"{path}: cannot read key log ({e.GetType().Name})";
            return null;
        }
    }

    private static bool IsHex(string text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
