namespace Sensor.Protocols.Tls.Decryption;

/// <summary>
/// The NSS key log format (SSLKEYLOGFILE): one <c>LABEL &lt;client_random hex&gt; &lt;secret hex&gt;</c> per line, <c>#</c>
/// comments, LF or CRLF. Unknown labels (EXPORTER_SECRET, CLIENT_EARLY_TRAFFIC_SECRET, RSA ...) are skipped; lines that do
/// not have that shape, or a secret whose length cannot be right for its label, are counted as malformed and skipped.
/// </summary>
public static class KeyLogParser
{
    /// <summary>Longest secret we accept: a TLS 1.3 SHA-384 secret and the TLS 1.2 master secret are 48 bytes.</summary>
    private const int MaxSecretLength = 48;

    private static readonly System.Buffers.SearchValues<byte> s_hex = System.Buffers.SearchValues.Create("0123456789abcdefABCDEF"u8);
    private static readonly System.Buffers.SearchValues<byte> s_blanks = System.Buffers.SearchValues.Create(" \t"u8);

    public static KeyLogLoadResult Parse(ReadOnlySpan<byte> text, TlsKeyStore store)
    {
        int secrets = 0, used = 0, malformed = 0;
        var sessions = new HashSet<ClientRandom>();
        Span<byte> random = stackalloc byte[ClientRandom.Length];
        Span<byte> secret = stackalloc byte[MaxSecretLength];
        while (!text.IsEmpty)
        {
            var end = text.IndexOf((byte)'\n');
            var line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            line = line.Trim(" \t\r"u8);
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                continue;
            }

            if (!Split(line, out var label, out var randomHex, out var secretHex) || !IsHex(randomHex) || !IsHex(secretHex) || secretHex.Length % 2 != 0)
            {
                malformed++;
                continue;
            }

            var known = Label(label);
            if (known is null)
            {
                secrets++; // a label we do not use (exporter, early data, RSA pre-master...): fine, not ours
                continue;
            }

            var length = secretHex.Length / 2;
            var lengthOk = known == TlsSecretLabel.MasterSecret ? length == 48 : length is 32 or 48;
            if (randomHex.Length != 2 * ClientRandom.Length || !lengthOk)
            {
                malformed++;
                continue;
            }

            Decode(randomHex, random);
            Decode(secretHex, secret[..length]);
            store.Add(known.Value, random, secret[..length]);
            sessions.Add(ClientRandom.From(random));
            secrets++;
            used++;
        }

        secret.Clear();
        return new KeyLogLoadResult(secrets, used, malformed, sessions.Count);
    }

    private static TlsSecretLabel? Label(ReadOnlySpan<byte> label) =>
        label.SequenceEqual("CLIENT_RANDOM"u8) ? TlsSecretLabel.MasterSecret
        : label.SequenceEqual("CLIENT_HANDSHAKE_TRAFFIC_SECRET"u8) ? TlsSecretLabel.ClientHandshakeTraffic
        : label.SequenceEqual("SERVER_HANDSHAKE_TRAFFIC_SECRET"u8) ? TlsSecretLabel.ServerHandshakeTraffic
        : label.SequenceEqual("CLIENT_TRAFFIC_SECRET_0"u8) ? TlsSecretLabel.ClientTraffic0
        : label.SequenceEqual("SERVER_TRAFFIC_SECRET_0"u8) ? TlsSecretLabel.ServerTraffic0
        : null;

    /// <summary>Exactly three fields separated by runs of spaces or tabs.</summary>
    private static bool Split(ReadOnlySpan<byte> line, out ReadOnlySpan<byte> a, out ReadOnlySpan<byte> b, out ReadOnlySpan<byte> c)
    {
        var at = 0;
        a = line[Field(line, ref at)];
        b = line[Field(line, ref at)];
        c = line[Field(line, ref at)];
        return !a.IsEmpty && !b.IsEmpty && !c.IsEmpty && at == line.Length;
    }

    private static Range Field(ReadOnlySpan<byte> line, ref int at)
    {
        while (at < line.Length && s_blanks.Contains(line[at]))
        {
            at++;
        }

        var start = at;
        while (at < line.Length && !s_blanks.Contains(line[at]))
        {
            at++;
        }

        var end = at;
        while (at < line.Length && s_blanks.Contains(line[at]))
        {
            at++;
        }

        return start..end;
    }

    private static bool IsHex(ReadOnlySpan<byte> text) => !text.IsEmpty && text.IndexOfAnyExcept(s_hex) < 0;

    private static void Decode(ReadOnlySpan<byte> hex, Span<byte> output)
    {
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = (byte)((Nibble(hex[2 * i]) << 4) | Nibble(hex[(2 * i) + 1]));
        }
    }

    private static int Nibble(byte c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
