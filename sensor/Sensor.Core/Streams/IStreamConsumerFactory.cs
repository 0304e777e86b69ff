using Sensor.Core.Events;

namespace Sensor.Core.Streams;

/// <summary>Gives each new flow its application-layer consumer (null: nobody wants the bytes).</summary>
public interface IStreamConsumerFactory
{
    /// <summary>For a TCP flow: its reassembled byte streams.</summary>
    IStreamConsumer? CreateConsumer(FlowIdentity flow);

    /// <summary>For a UDP flow: its datagrams. Most factories only care about streams.</summary>
    IDatagramConsumer? CreateDatagramConsumer(FlowIdentity flow) => null;
}
