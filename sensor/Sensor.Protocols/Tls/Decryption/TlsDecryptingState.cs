namespace Sensor.Protocols.Tls.Decryption;

/// <summary>Where one direction of a <see cref="TlsDecryptingReader"/> stands.</summary>
public enum TlsDecryptingState : byte
{
    /// <summary>Walking records; decrypting those that are protected once keys are armed.</summary>
    Active,

    /// <summary>Stopped without error: no keys when protected records came, a gap, or the end of the stream.</summary>
    Off,

    /// <summary>Stopped on a record that would not open (<see cref="TlsDecryptingReader.Failure"/> says why).</summary>
    Failed,
}
