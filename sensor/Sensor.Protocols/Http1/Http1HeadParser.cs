namespace Sensor.Protocols.Http1;

/// <summary>
/// The head of an HTTP/1.x message (RFC 9112 §2-§5): start line, header fields, blank line. Each method parses
/// one element at the start of a contiguous span and reports how many bytes it used; incomplete input consumes
/// nothing (Kestrel's HttpParser, made non-throwing for a passive sensor). Lines end in CRLF or, as RFC 9112
/// §2.2 lets a recipient accept, a bare LF. Heads are bounded (<see cref="Http1Limits.MaxHeadBytes"/>), so a
/// session can gather one into a single span first: <see cref="FindHeadEnd"/> finds where it ends.
/// </summary>
public static class Http1HeadParser
{
    /// <summary>
    /// Looks for the blank line that ends a head in <paramref name="buffer"/>, resuming at <paramref name="scanned"/>
    /// (bytes already searched, updated), so gathering a head over many small segments stays linear.
    /// </summary>
    /// <returns>The head's length including the blank line, or -1 when it has not ended yet.</returns>
    public static int FindHeadEnd(ReadOnlySpan<byte> buffer, ref int scanned)
    {
        // Resume one byte early so an LF whose line break started in the previous search is still seen.
        var i = Math.Max(scanned - 1, 0);
        while (i < buffer.Length)
        {
            var lf = buffer[i..].IndexOf(Http1Chars.Lf);
            if (lf < 0)
            {
                break;
            }

            i += lf + 1;

            // LF LF or LF CR LF: an empty line follows this line's end.
            if (i < buffer.Length && buffer[i] == Http1Chars.Lf)
            {
                scanned = i + 1;
                return i + 1;
            }

            if (i + 1 < buffer.Length && buffer[i] == Http1Chars.Cr && buffer[i + 1] == Http1Chars.Lf)
            {
                scanned = i + 2;
                return i + 2;
            }

            if (i + 1 >= buffer.Length)
            {
                // The byte(s) after this LF are not here yet: search again from this LF.
                scanned = i;
                return -1;
            }
        }

        scanned = buffer.Length;
        return -1;
    }

    /// <summary><c>method SP request-target SP HTTP-version CRLF</c>.</summary>
    public static Http1ParseStatus ParseRequestLine(ReadOnlySpan<byte> input, out Http1RequestLine line, out int consumed)
    {
        line = default;
        var status = ReadLine(input, Http1Limits.MaxStartLineBytes, out var text, out consumed);
        if (status != Http1ParseStatus.Done)
        {
            return status;
        }

        var methodEnd = text.IndexOfAnyExcept(Http1Chars.Token);
        if (methodEnd <= 0 || text[methodEnd] != Http1Chars.Space)
        {
            return Invalid(out consumed);
        }

        var targetStart = methodEnd + 1;
        var targetLength = text[targetStart..].IndexOfAny(Http1Chars.NotInTarget);
        if (targetLength <= 0 || text[targetStart + targetLength] != Http1Chars.Space)
        {
            return Invalid(out consumed);
        }

        var versionStart = targetStart + targetLength + 1;
        if (!TryVersion(text[versionStart..], out var major, out var minor) || text.Length != versionStart + 8)
        {
            return Invalid(out consumed);
        }

        line = new Http1RequestLine(..methodEnd, targetStart..(targetStart + targetLength), major, minor);
        return Http1ParseStatus.Done;
    }

    /// <summary><c>HTTP-version SP status-code [ SP reason-phrase ] CRLF</c> (a missing reason and its space are tolerated).</summary>
    public static Http1ParseStatus ParseStatusLine(ReadOnlySpan<byte> input, out Http1StatusLine line, out int consumed)
    {
        line = default;
        var status = ReadLine(input, Http1Limits.MaxStartLineBytes, out var text, out consumed);
        if (status != Http1ParseStatus.Done)
        {
            return status;
        }

        if (text.Length < 12 || !TryVersion(text, out var major, out var minor) || text[8] != Http1Chars.Space
            || !Http1Chars.IsDigit(text[9]) || !Http1Chars.IsDigit(text[10]) || !Http1Chars.IsDigit(text[11]))
        {
            return Invalid(out consumed);
        }

        var code = ((text[9] - '0') * 100) + ((text[10] - '0') * 10) + (text[11] - '0');
        var reasonStart = text.Length;
        if (text.Length > 12)
        {
            if (text[12] != Http1Chars.Space || text[13..].IndexOfAny(Http1Chars.NotInValue) >= 0)
            {
                return Invalid(out consumed);
            }

            reasonStart = 13;
        }

        line = new Http1StatusLine(major, minor, code, reasonStart..text.Length);
        return Http1ParseStatus.Done;
    }

    /// <summary>
    /// One <c>field-name ":" OWS field-value OWS CRLF</c>, or the blank line that ends the head (then
    /// <paramref name="endOfHeaders"/> is true and the ranges are empty).
    /// </summary>
    public static Http1ParseStatus ParseHeaderLine(ReadOnlySpan<byte> input, out Range name, out Range value, out bool endOfHeaders, out int consumed)
    {
        name = default;
        value = default;
        endOfHeaders = false;
        // A CR inside the line is not searched for separately: it is neither a tchar nor allowed in a value, so the
        // checks below reject it (Invalid, as ReadLine would), one scan of the line fewer per field.
        var status = ReadLine(input, Http1Limits.MaxHeaderSectionBytes, out var text, out consumed, rejectCr: false);
        if (status != Http1ParseStatus.Done)
        {
            return status;
        }

        if (text.IsEmpty)
        {
            endOfHeaders = true;
            return Http1ParseStatus.Done;
        }

        // No whitespace before the colon (RFC 9112 §5.1) and no obs-fold continuation line (§5.2): both are
        // smuggling vectors, and no real client sends them.
        var nameEnd = text.IndexOfAnyExcept(Http1Chars.Token);
        if (nameEnd <= 0 || text[nameEnd] != Http1Chars.Colon)
        {
            return Invalid(out consumed);
        }

        var start = nameEnd + 1;
        var end = text.Length;
        while (start < end && text[start] is Http1Chars.Space or Http1Chars.Tab)
        {
            start++;
        }

        while (end > start && text[end - 1] is Http1Chars.Space or Http1Chars.Tab)
        {
            end--;
        }

        if (text[start..end].IndexOfAny(Http1Chars.NotInValue) >= 0)
        {
            return Invalid(out consumed);
        }

        name = ..nameEnd;
        value = start..end;
        return Http1ParseStatus.Done;
    }

    /// <summary>
    /// Every header field up to and including the blank line, each handed to <paramref name="handler"/>; at most
    /// <see cref="Http1Limits.MaxHeaderCount"/> fields and <see cref="Http1Limits.MaxHeaderSectionBytes"/> bytes.
    /// </summary>
    public static Http1ParseStatus ParseHeaders<THandler>(ReadOnlySpan<byte> input, ref THandler handler, out int consumed)
        where THandler : struct, IHttp1HeaderHandler
    {
        consumed = 0;
        var count = 0;
        while (true)
        {
            var rest = input[consumed..];
            var status = ParseHeaderLine(rest, out var name, out var value, out var end, out var used);
            if (status != Http1ParseStatus.Done)
            {
                var tooLong = status == Http1ParseStatus.NeedMoreData && input.Length > Http1Limits.MaxHeaderSectionBytes;
                consumed = 0;
                return tooLong ? Http1ParseStatus.TooLarge : status;
            }

            consumed += used;
            if (consumed > Http1Limits.MaxHeaderSectionBytes)
            {
                consumed = 0;
                return Http1ParseStatus.TooLarge;
            }

            if (end)
            {
                return Http1ParseStatus.Done;
            }

            if (++count > Http1Limits.MaxHeaderCount)
            {
                consumed = 0;
                return Http1ParseStatus.TooLarge;
            }

            handler.OnHeader(rest[name], rest[value]);
        }
    }

    /// <summary>"HTTP/" DIGIT "." DIGIT at the start of <paramref name="text"/>.</summary>
    private static bool TryVersion(ReadOnlySpan<byte> text, out byte major, out byte minor)
    {
        major = minor = 0;
        if (text.Length < 8 || !text.StartsWith("HTTP/"u8) || !Http1Chars.IsDigit(text[5]) || text[6] != (byte)'.' || !Http1Chars.IsDigit(text[7]))
        {
            return false;
        }

        major = (byte)(text[5] - '0');
        minor = (byte)(text[7] - '0');
        return true;
    }

    /// <summary>
    /// One line without its CRLF or LF; a bare CR inside it is invalid (RFC 9112 §2.2), checked here unless the caller's
    /// own byte classes reject it (<paramref name="rejectCr"/> false).
    /// </summary>
    private static Http1ParseStatus ReadLine(ReadOnlySpan<byte> input, int maxLength, out ReadOnlySpan<byte> line, out int consumed, bool rejectCr = true)
    {
        line = default;
        consumed = 0;
        var window = input.Length > maxLength + 2 ? input[..(maxLength + 2)] : input;
        var lf = window.IndexOf(Http1Chars.Lf);
        if (lf < 0)
        {
            return input.Length > maxLength + 1 ? Http1ParseStatus.TooLarge : Http1ParseStatus.NeedMoreData;
        }

        var end = lf > 0 && input[lf - 1] == Http1Chars.Cr ? lf - 1 : lf;
        if (end > maxLength)
        {
            return Http1ParseStatus.TooLarge;
        }

        line = input[..end];
        if (rejectCr && line.Contains(Http1Chars.Cr))
        {
            return Http1ParseStatus.Invalid;
        }

        consumed = lf + 1;
        return Http1ParseStatus.Done;
    }

    private static Http1ParseStatus Invalid(out int consumed)
    {
        consumed = 0;
        return Http1ParseStatus.Invalid;
    }
}
