namespace Sensor.Decode.Defrag;

public enum DefragStatus : byte
{
    /// <summary>Held: the datagram is not complete yet.</summary>
    Pending,
    /// <summary>The datagram is whole; its payload is returned.</summary>
    Complete,
    /// <summary>The fragment was refused (cap, oversize): the anomaly says why.</summary>
    Dropped,
}
