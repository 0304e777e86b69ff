using System.IO.Compression;

namespace Sensor.Sessions.Http.Decoding;

/// <summary>
/// <c>gzip</c> (RFC 1952, members concatenated), <c>deflate</c> (RFC 9110 says zlib, RFC 1950; servers also send raw
/// RFC 1951, told apart by the zlib header check) through the BCL's zlib streams. They pull from a stream, so each
/// call's input is staged into <see cref="FeedStream"/> and the decompressor is drained until it wants more.
/// </summary>
internal sealed class ZlibFamilyLayer : DecodeLayer
{
    /// <summary>Bytes staged per pull; the decompressor's own input buffer is of this order.</summary>
    private const int StageBytes = 8 * 1024;

    private readonly FeedStream _feed = new(StageBytes);
    private readonly byte[] _output = new byte[OutputChunkBytes];
    private readonly bool _gzip;
    private readonly byte[] _sniff = new byte[2];
    private int _sniffed;
    private Stream? _inflater;

    public ZlibFamilyLayer(bool gzip) => _gzip = gzip;

    public override DecodeLayerStatus Decode(ReadOnlySpan<byte> input, IDecodedSink sink)
    {
        if (_inflater is null)
        {
            if (_gzip)
            {
                _inflater = new GZipStream(_feed, CompressionMode.Decompress);
            }
            else
            {
                // The first two bytes say zlib or raw deflate: wait for them.
                var take = Math.Min(2 - _sniffed, input.Length);
                input[..take].CopyTo(_sniff.AsSpan(_sniffed));
                _sniffed += take;
                input = input[take..];
                if (_sniffed < 2)
                {
                    return DecodeLayerStatus.Ok;
                }

                var zlib = (_sniff[0] & 0x0F) == 8 && ((_sniff[0] << 8) | _sniff[1]) % 31 == 0;
                _inflater = zlib ? new ZLibStream(_feed, CompressionMode.Decompress) : new DeflateStream(_feed, CompressionMode.Decompress);
                var status = Pump(_sniff, sink);
                if (status != DecodeLayerStatus.Ok)
                {
                    return status;
                }
            }
        }

        while (!input.IsEmpty)
        {
            var take = Math.Min(input.Length, StageBytes);
            var status = Pump(input[..take], sink);
            if (status != DecodeLayerStatus.Ok)
            {
                return status;
            }

            input = input[take..];
        }

        return DecodeLayerStatus.Ok;
    }

    public override void Dispose() => _inflater?.Dispose();

    private DecodeLayerStatus Pump(ReadOnlySpan<byte> input, IDecodedSink sink)
    {
        _feed.Stage(input);
        try
        {
            while (true)
            {
                // Read returns 0 once the staged bytes are used up (the stream stays resumable) or the data ended.
                var read = _inflater!.Read(_output, 0, _output.Length);
                if (read == 0)
                {
                    return DecodeLayerStatus.Ok;
                }

                if (!sink.Accept(_output.AsSpan(0, read)))
                {
                    return DecodeLayerStatus.Stopped;
                }
            }
        }
        catch (InvalidDataException)
        {
            return DecodeLayerStatus.Invalid;
        }
    }

    /// <summary>A read-only stream over the bytes staged for one pull; reads past them return 0 (no more for now).</summary>
    private sealed class FeedStream(int capacity) : Stream
    {
        private readonly byte[] _buffer = new byte[capacity];
        private int _offset;
        private int _length;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Stage(ReadOnlySpan<byte> bytes)
        {
            bytes.CopyTo(_buffer);
            _offset = 0;
            _length = bytes.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = Math.Min(buffer.Length, _length - _offset);
            _buffer.AsSpan(_offset, n).CopyTo(buffer);
            _offset += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
