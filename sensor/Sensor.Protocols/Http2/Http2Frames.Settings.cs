using System.Buffers.Binary;

namespace Sensor.Protocols.Http2;

public static partial class Http2Frames
{
    /// <summary>Octets per SETTINGS parameter.</summary>
    public const int SettingSize = 6;

    /// <summary>
    /// SETTINGS (§6.5): stream 0, a multiple of 6 octets, empty when ACK. Values are checked here; read them with
    /// <see cref="Setting"/>.
    /// <code>
    /// | Identifier (16) | Value (32) |  repeated
    /// </code>
    /// </summary>
    public static Http2Status ReadSettings(Http2FrameHeader header, ReadOnlySpan<byte> payload, out int count)
    {
        count = 0;
        if (header.StreamId != 0)
        {
            return Http2Status.BadStreamId;
        }

        if (payload.Length % SettingSize != 0 || (header.HasFlag(Http2Flags.Ack) && !payload.IsEmpty))
        {
            return Http2Status.BadLength;
        }

        count = payload.Length / SettingSize;
        for (var i = 0; i < count; i++)
        {
            var (id, value) = Setting(payload, i);
            var valid = id switch
            {
                Http2SettingId.EnablePush => value <= 1,
                Http2SettingId.InitialWindowSize => value <= int.MaxValue,
                Http2SettingId.MaxFrameSize => value is >= Http2FrameHeader.DefaultMaxFrameSize and <= Http2FrameHeader.LargestMaxFrameSize,
                _ => true,
            };
            if (!valid)
            {
                return Http2Status.BadSetting;
            }
        }

        return Http2Status.Done;
    }

    /// <summary>Parameter <paramref name="i"/> of a SETTINGS payload already checked by <see cref="ReadSettings"/>.</summary>
    public static (Http2SettingId Id, uint Value) Setting(ReadOnlySpan<byte> payload, int i)
    {
        var at = payload.Slice(i * SettingSize, SettingSize);
        return ((Http2SettingId)BinaryPrimitives.ReadUInt16BigEndian(at), BinaryPrimitives.ReadUInt32BigEndian(at[2..]));
    }
}
