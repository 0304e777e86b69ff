using Sensor.Core.Events;

namespace Sensor.Core.Streams;

/// <summary>Gives each new TCP flow its application-layer consumer (null: nobody wants the bytes).</summary>
public interface IStreamConsumerFactory
{
    IStreamConsumer? CreateConsumer(FlowIdentity flow);
}
