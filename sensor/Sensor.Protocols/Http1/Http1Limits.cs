namespace Sensor.Protocols.Http1;

/// <summary>Caps of the HTTP/1.x parsers, with where their values come from.</summary>
public static class Http1Limits
{
    /// <summary>Request line or status line: Kestrel's <c>MaxRequestLineSize</c> default (8 KiB).</summary>
    public const int MaxStartLineBytes = 8 * 1024;

    /// <summary>Header fields after the start line: Kestrel's <c>MaxRequestHeadersTotalSize</c> default (32 KiB).</summary>
    public const int MaxHeaderSectionBytes = 32 * 1024;

    /// <summary>A whole head (start line, headers, blank line): the two caps above.</summary>
    public const int MaxHeadBytes = MaxStartLineBytes + MaxHeaderSectionBytes;

    /// <summary>Header fields per message: Kestrel's <c>MaxRequestHeaderCount</c> default (100).</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>A chunk-size line with its extensions: Go's net/http chunked reader (<c>maxLineLength = 4096</c>).</summary>
    public const int MaxChunkLineBytes = 4096;

    /// <summary>The trailer section of a chunked body: bounded like a header section.</summary>
    public const int MaxTrailerSectionBytes = MaxHeaderSectionBytes;

    /// <summary>Hex digits of a chunk size: 15 keep the value below 2^60, far beyond any real chunk.</summary>
    public const int MaxChunkSizeDigits = 15;
}
