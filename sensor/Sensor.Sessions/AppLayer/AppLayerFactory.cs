using Sensor.Core.Events;
using Sensor.Core.Streams;

namespace Sensor.Sessions.AppLayer;

/// <summary>Gives each TCP flow a probing consumer that picks the session type from the first client bytes.</summary>
public sealed class AppLayerFactory : IStreamConsumerFactory
{
    private readonly StreamContext _context;

    public AppLayerFactory(StreamContext context)
    {
        _context = context;
    }

    public IStreamConsumer? CreateConsumer(FlowIdentity flow) => new ProbingConsumer(flow, _context);
}
