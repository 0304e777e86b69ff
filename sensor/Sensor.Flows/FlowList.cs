namespace Sensor.Flows;

/// <summary>Flows ordered by last packet time, newest at the head; expiry walks from the tail.</summary>
internal sealed class FlowList
{
    public FlowList(long timeoutMicros)
    {
        TimeoutMicros = timeoutMicros;
    }

    public long TimeoutMicros { get; }

    public Flow? Newest { get; private set; }

    public Flow? Oldest { get; private set; }

    public int Count { get; private set; }

    public void AddNewest(Flow flow)
    {
        flow.List = this;
        flow.Older = Newest;
        flow.Newer = null;
        if (Newest is not null)
        {
            Newest.Newer = flow;
        }

        Newest = flow;
        Oldest ??= flow;
        Count++;
    }

    public void Remove(Flow flow)
    {
        if (flow.Newer is not null)
        {
            flow.Newer.Older = flow.Older;
        }
        else
        {
            Newest = flow.Older;
        }

        if (flow.Older is not null)
        {
            flow.Older.Newer = flow.Newer;
        }
        else
        {
            Oldest = flow.Newer;
        }

        flow.Newer = flow.Older = null;
        flow.List = null;
        Count--;
    }

    public void Touch(Flow flow)
    {
        if (Newest != flow)
        {
            Remove(flow);
            AddNewest(flow);
        }
    }
}
