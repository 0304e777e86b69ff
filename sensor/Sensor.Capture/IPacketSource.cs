using Sensor.Capture.Files;
using Sensor.Core.Diagnostics;

namespace Sensor.Capture;

/// <summary>A pull source of frames: a capture file, or a queue fed by live capture.</summary>
public interface IPacketSource : IDisposable
{
    /// <summary>File path or interface name, for anomalies and the summary.</summary>
    string Name { get; }

    /// <summary>Bytes consumed from the underlying file so far (for progress), or 0.</summary>
    long Position { get; }

    /// <summary>TLS secrets carried in the capture itself (pcapng Decryption Secrets Blocks) so far.</summary>
    IReadOnlyList<DecryptionSecret> DecryptionSecrets { get; }

    /// <summary>Reads the next frame. Never throws on malformed content: returns <see cref="ReadResult.Anomaly"/> with the kind.</summary>
    ReadResult Read(out CapturedFrame frame, out AnomalyKind anomaly);
}
