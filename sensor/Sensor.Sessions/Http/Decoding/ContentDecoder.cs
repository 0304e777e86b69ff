namespace Sensor.Sessions.Http.Decoding;

/// <summary>Why a <see cref="ContentDecoder"/> stopped, if it did.</summary>
internal enum ContentDecodeStatus : byte
{
    Ok,

    /// <summary>The compressed data is corrupt: what was decoded so far stands, the rest is lost.</summary>
    Invalid,

    /// <summary>Output reached the caller's cap: the body is truncated, decoding stops (not an attack by itself).</summary>
    OutputCap,

    /// <summary>Output outgrew input by more than <see cref="ContentDecoder.MaxRatio"/>: a bomb.</summary>
    Bomb,
}

/// <summary>
/// Undoes a message's Content-Encoding (gzip, deflate, br; at most <see cref="MaxLayers"/> of them, RFC 9110 §8.4)
/// incrementally, under caps on output bytes and expansion ratio (Suricata's libhtp limits, operations.md §4.2/§4.4),
/// so a compression bomb costs at most one output cap of work and a fixed amount of memory. Suricata also caps
/// wall-clock time (100 ms); here the output cap already bounds the work (inflate time is linear in output), and a
/// clock would make a loaded sensor call real bodies bombs, so there is none.
/// </summary>
internal sealed class ContentDecoder : IDisposable
{
    /// <summary>Decoded bytes per body: Suricata's <c>compression-bomb-limit</c> (1 MiB), also the body cap.</summary>
    public const long DefaultMaxOutputBytes = 1 << 20;

    /// <summary>Expansion ratio that marks a bomb: Suricata's 2048 (deflate cannot exceed about 1032 on its own).</summary>
    public const int MaxRatio = 2048;

    /// <summary>Output below which the ratio is not judged: tiny bodies compress absurdly well (an empty JSON array).</summary>
    public const int RatioGraceBytes = 64 * 1024;

    /// <summary>Stacked codings: Suricata's <c>response-body-decompress-layer-limit</c> (2).</summary>
    public const int MaxLayers = 2;

    private readonly DecodeLayer[] _layers;
    private readonly LayerSink[] _sinks;
    private readonly long _maxOutputBytes;
    private IDecodedSink? _target;
    private ContentDecodeStatus _status;

    private ContentDecoder(DecodeLayer[] layers, long maxOutputBytes)
    {
        _layers = layers;
        _maxOutputBytes = maxOutputBytes;
        _sinks = new LayerSink[layers.Length];
        for (var i = 0; i < layers.Length; i++)
        {
            _sinks[i] = new LayerSink(this, i);
        }
    }

    public long InputBytes { get; private set; }

    public long OutputBytes { get; private set; }

    public ContentDecodeStatus Status => _status;

    /// <summary>The codings named by a Content-Encoding value, outermost last (as applied).</summary>
    public static ContentDecoder? Create(string? contentEncoding, long maxOutputBytes, out bool unsupported)
    {
        unsupported = false;
        if (string.IsNullOrWhiteSpace(contentEncoding))
        {
            return null;
        }

        var names = contentEncoding.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var layers = new List<DecodeLayer>(names.Length);

        // Applied in order, so undone in reverse.
        for (var i = names.Length - 1; i >= 0; i--)
        {
            DecodeLayer? layer = names[i].ToLowerInvariant() switch
            {
                "identity" => null,
                "gzip" or "x-gzip" => new ZlibFamilyLayer(gzip: true),
                "deflate" => new ZlibFamilyLayer(gzip: false),
                "br" => new BrotliLayer(),
                _ => Unsupported(out unsupported),
            };
            if (unsupported || (layer is not null && layers.Count == MaxLayers))
            {
                layer?.Dispose();
                unsupported = true;
                layers.ForEach(l => l.Dispose());
                return null;
            }

            if (layer is not null)
            {
                layers.Add(layer);
            }
        }

        return layers.Count == 0 ? null : new ContentDecoder([.. layers], maxOutputBytes);
    }

    /// <summary>Decodes the next encoded bytes into <paramref name="target"/> unless decoding already stopped.</summary>
    public ContentDecodeStatus Decode(ReadOnlySpan<byte> encoded, IDecodedSink target)
    {
        if (_status != ContentDecodeStatus.Ok || encoded.IsEmpty)
        {
            return _status;
        }

        InputBytes += encoded.Length;
        _target = target;
        var status = _layers[0].Decode(encoded, _sinks[0]);
        _target = null;
        if (status == DecodeLayerStatus.Invalid && _status == ContentDecodeStatus.Ok)
        {
            _status = ContentDecodeStatus.Invalid;
        }

        return _status;
    }

    public void Dispose()
    {
        foreach (var layer in _layers)
        {
            layer.Dispose();
        }
    }

    private static DecodeLayer? Unsupported(out bool unsupported)
    {
        unsupported = true;
        return null;
    }

    /// <summary>Final output: enforce the caps, then hand the bytes on.</summary>
    private bool AcceptFinal(ReadOnlySpan<byte> decoded)
    {
        var room = _maxOutputBytes - OutputBytes;
        var take = (int)Math.Min(decoded.Length, room);
        OutputBytes += take;
        if (take > 0)
        {
            _target!.Accept(decoded[..take]);
        }

        if (OutputBytes > RatioGraceBytes && OutputBytes > InputBytes * MaxRatio)
        {
            _status = ContentDecodeStatus.Bomb;
            return false;
        }

        if (take < decoded.Length)
        {
            _status = ContentDecodeStatus.OutputCap;
            return false;
        }

        return true;
    }

    /// <summary>Connects layer <c>i</c>'s output to layer <c>i+1</c>'s input, or to the caps for the last one.</summary>
    private sealed class LayerSink(ContentDecoder owner, int index) : IDecodedSink
    {
        public bool Accept(ReadOnlySpan<byte> decoded)
        {
            if (index == owner._layers.Length - 1)
            {
                return owner.AcceptFinal(decoded);
            }

            var status = owner._layers[index + 1].Decode(decoded, owner._sinks[index + 1]);
            if (status == DecodeLayerStatus.Invalid && owner._status == ContentDecodeStatus.Ok)
            {
                owner._status = ContentDecodeStatus.Invalid;
            }

            return status == DecodeLayerStatus.Ok;
        }
    }
}
