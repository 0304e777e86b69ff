using System.Buffers;
using Sensor.Protocols.AiStream;
using Sensor.Protocols.Sse;

namespace Sensor.Sessions.AiApi;

/// <summary>
/// One streamed AI answer as it arrives: its SSE reader and, when detectors run, the completion text joined from the
/// vendor's text deltas (per choice, content block, output item or candidate), so a secret the model wrote across
/// several deltas, events, HTTP chunks or TCP segments can be found in one piece. Bounded by <see cref="MaxTextBytes"/>
/// and <see cref="MaxParts"/>.
/// </summary>
internal sealed class StreamedCompletion : ICompletionTextSink
{
    /// <summary>
    /// Joined text kept per answer: the budget a non-streamed answer's body gets (<see cref="Http.HttpExchangeDispatcher.MaxBodyBytes"/>,
    /// 1 MiB), so a streamed answer is inspected as far as the same answer sent as one JSON body would be.
    /// </summary>
    public const int MaxTextBytes = Http.HttpExchangeDispatcher.MaxBodyBytes;

    /// <summary>
    /// Texts joined per answer: OpenAI's <c>n</c> and Gemini's <c>candidateCount</c> default to 1, and an Anthropic answer
    /// interleaves a few text and tool-use blocks; 16 leaves room for both without a table per answer.
    /// </summary>
    public const int MaxParts = 16;

    private const int InitialPartBytes = 256;

    private readonly CompletionFormat? _format;
    private readonly List<Part> _parts = [];
    private byte[]? _joined;
    private int _total;

    /// <param name="format">The vendor's event shape, or null to read events for the model name only (no detectors).</param>
    public StreamedCompletion(CompletionFormat? format) => _format = format;

    public SseReader Reader { get; } = new();

    /// <summary>True once text was dropped at <see cref="MaxTextBytes"/> or <see cref="MaxParts"/>.</summary>
    public bool Capped { get; private set; }

    /// <summary>Bytes of completion text joined so far.</summary>
    public int TextBytes => _total;

    /// <summary>Reads one event's data; returns true when this event made the answer reach a cap (report it once).</summary>
    public bool OnEvent(ReadOnlySpan<byte> data)
    {
        if (_format is not { } format || Capped)
        {
            return false;
        }

        CompletionDeltaReader.Read(format, data, this);
        return Capped;
    }

    public void OnTextDelta(int part, ReadOnlySpan<byte> quoted)
    {
        var target = Find(part);
        if (target is null)
        {
            if (_parts.Count >= MaxParts)
            {
                Capped = true;
                return;
            }

            target = new Part(part);
            _parts.Add(target);
        }

        var room = MaxTextBytes - _total;
        var escapedLength = quoted.Length - 2;
        if (escapedLength <= room)
        {
            // Unescaped text is never longer than its escaped form, so it fits where it is written.
            target.Ensure(escapedLength);
            var written = CompletionDeltaReader.Unescape(quoted, target.Free);
            target.Length += written;
            _total += written;
            return;
        }

        var rented = ArrayPool<byte>.Shared.Rent(escapedLength);
        try
        {
            var written = CompletionDeltaReader.Unescape(quoted, rented);
            var kept = Math.Min(written, room);
            target.Ensure(kept);
            rented.AsSpan(0, kept).CopyTo(target.Free);
            target.Length += kept;
            _total += kept;
            Capped |= kept < written;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The joined completion: each part's text in the order the parts began, a line feed between parts.</summary>
    public ReadOnlySpan<byte> Text()
    {
        if (_parts.Count <= 1)
        {
            return _parts.Count == 0 ? default : _parts[0].Text;
        }

        var length = _total + _parts.Count - 1;
        _joined = new byte[length];
        var at = 0;
        foreach (var part in _parts)
        {
            if (at > 0)
            {
                _joined[at++] = (byte)'\n';
            }

            part.Text.CopyTo(_joined.AsSpan(at));
            at += part.Text.Length;
        }

        return _joined;
    }

    private Part? Find(int key)
    {
        foreach (var part in _parts)
        {
            if (part.Key == key)
            {
                return part;
            }
        }

        return null;
    }

    private sealed class Part(int key)
    {
        private byte[] _buffer = [];

        public int Key { get; } = key;

        public int Length { get; set; }

        public ReadOnlySpan<byte> Text => _buffer.AsSpan(0, Length);

        public Span<byte> Free => _buffer.AsSpan(Length);

        /// <summary>Room for <paramref name="more"/> bytes, doubling (callers keep the total within <see cref="MaxTextBytes"/>).</summary>
        public void Ensure(int more)
        {
            var needed = Length + more;
            if (needed > _buffer.Length)
            {
                Array.Resize(ref _buffer, Math.Min(MaxTextBytes, Math.Max(needed, Math.Max(InitialPartBytes, _buffer.Length * 2))));
            }
        }
    }
}
