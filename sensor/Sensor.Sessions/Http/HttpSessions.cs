using System.Buffers;
using Sensor.Core.Events;
using Sensor.Core.Streams;
using Sensor.Protocols.Http1;

namespace Sensor.Sessions.Http;

/// <summary>
/// The one place that turns a byte stream known to carry HTTP (plaintext TCP, decrypted TLS, the proxy) into an
/// HTTP session: HTTP/2 when ALPN said h2 or the connection preface shows, HTTP/1.x otherwise.
/// </summary>
internal static class HttpSessions
{
    /// <param name="alpn">The negotiated ALPN protocol, when TLS said one.</param>
    /// <param name="decrypted">Whether the bytes came out of TLS decryption.</param>
    public static IStreamConsumer Create(FlowIdentity flow, StreamContext context, string? alpn, bool decrypted)
    {
        if (string.Equals(alpn, "h2", StringComparison.Ordinal))
        {
            return CreateHttp2(flow, context, decrypted);
        }

        // Without ALPN (plaintext, or a TLS client that did not offer it) the client's first bytes decide.
        return new PrefaceSniffer(flow, context, decrypted);
    }

    /// <summary>HTTP/2 (ALPN h2, or prior-knowledge h2c with the preface). Merge of http1 and http2 (mcp branch).</summary>
    private static Http2Session CreateHttp2(FlowIdentity flow, StreamContext context, bool decrypted) => new(flow, context, decrypted);

    /// <summary>
    /// Holds the first client bytes until they show the HTTP/2 preface or something else, then hands every byte
    /// to the chosen session. Server bytes before that decision (none in HTTP) go to the HTTP/1 session.
    /// </summary>
    private sealed class PrefaceSniffer(FlowIdentity flow, StreamContext context, bool decrypted) : IStreamConsumer
    {
        private readonly byte[] _held = new byte[HttpProbe.Http2Preface.Length];
        private int _heldLength;
        private IStreamConsumer? _session;

        public void OnData(Direction direction, ReadOnlySequence<byte> data)
        {
            if (_session is null && direction == Direction.ToClient)
            {
                Choose(http2: false);
                FlushHeld();
            }

            if (_session is not null)
            {
                _session.OnData(direction, data);
                return;
            }

            var take = (int)Math.Min(_held.Length - _heldLength, data.Length);
            data.Slice(0, take).CopyTo(_held.AsSpan(_heldLength));
            _heldLength += take;
            var held = _held.AsSpan(0, _heldLength);
            var preface = HttpProbe.Http2Preface;
            if (held.Length < preface.Length && preface.StartsWith(held))
            {
                return; // could still be the preface
            }

            Choose(held.SequenceEqual(preface));
            _session!.OnData(direction, new ReadOnlySequence<byte>(_held, 0, _heldLength));
            if (take < data.Length)
            {
                _session.OnData(direction, data.Slice(take));
            }
        }

        public void OnGap(Direction direction, long missingBytes)
        {
            if (_session is null)
            {
                Choose(http2: false);
                FlushHeld();
            }

            _session!.OnGap(direction, missingBytes);
        }

        public void OnEnd(Direction direction, EndReason reason)
        {
            if (_session is null)
            {
                Choose(http2: false);
                FlushHeld();
            }

            _session!.OnEnd(direction, reason);
        }

        private void FlushHeld()
        {
            if (_heldLength > 0)
            {
                _session!.OnData(Direction.ToServer, new ReadOnlySequence<byte>(_held, 0, _heldLength));
            }
        }

        private void Choose(bool http2) =>
            _session = http2 ? CreateHttp2(flow, context, decrypted) : new Http1Session(flow, context, decrypted);
    }
}
