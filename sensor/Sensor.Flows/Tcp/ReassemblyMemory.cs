namespace Sensor.Flows.Tcp;

/// <summary>The global budget of out-of-order bytes shared by every stream of one worker.</summary>
public sealed class ReassemblyMemory
{
    public ReassemblyMemory(long cap)
    {
        Cap = cap;
    }

    public long Cap { get; }

    public long InUse { get; private set; }

    public long Peak { get; private set; }

    public bool TryReserve(int bytes)
    {
        if (InUse + bytes > Cap)
        {
            return false;
        }

        InUse += bytes;
        if (InUse > Peak)
        {
            Peak = InUse;
        }

        return true;
    }

    public void Release(int bytes) => InUse -= bytes;
}
