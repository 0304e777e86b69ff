using System.Buffers;
using System.IO.Compression;

namespace Sensor.Sessions.Http.Decoding;

/// <summary><c>br</c> (RFC 7932) through the BCL's span-based <see cref="BrotliDecoder"/>.</summary>
internal sealed class BrotliLayer : DecodeLayer
{
    private readonly byte[] _output = new byte[OutputChunkBytes];
    private BrotliDecoder _decoder;
    private bool _done;

    public override DecodeLayerStatus Decode(ReadOnlySpan<byte> input, IDecodedSink sink)
    {
        while (!_done)
        {
            var status = _decoder.Decompress(input, _output, out var consumed, out var written);
            input = input[consumed..];
            if (written > 0 && !sink.Accept(_output.AsSpan(0, written)))
            {
                return DecodeLayerStatus.Stopped;
            }

            switch (status)
            {
                case OperationStatus.Done:
                    _done = true; // bytes after the end of the stream are ignored
                    break;
                case OperationStatus.NeedMoreData:
                    return DecodeLayerStatus.Ok;
                case OperationStatus.InvalidData:
                    return DecodeLayerStatus.Invalid;
                case OperationStatus.DestinationTooSmall:
                default:
                    break; // drain more output
            }
        }

        return DecodeLayerStatus.Ok;
    }

    public override void Dispose() => _decoder.Dispose();
}
