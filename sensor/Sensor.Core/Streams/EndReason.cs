namespace Sensor.Core.Streams;

/// <summary>Why a direction of a stream (or a whole flow) ended. Names are written to <c>flow.reason</c>.</summary>
public enum EndReason : byte
{
    /// <summary>FIN seen and all data up to it delivered.</summary>
    Fin,
    /// <summary>RST seen.</summary>
    Reset,
    /// <summary>No packet for longer than the flow's idle timeout.</summary>
    Timeout,
    /// <summary>The capture file or live capture ended while the flow was open.</summary>
    EndOfInput,
    /// <summary>Removed early because the flow table reached its memory cap.</summary>
    Evicted,
}
