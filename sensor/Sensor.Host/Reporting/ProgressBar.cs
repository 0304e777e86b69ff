using System.Diagnostics;

namespace Sensor.Host.Reporting;

/// <summary>A one-line progress bar on stderr, only when stderr is a terminal and the input is large.</summary>
internal sealed class ProgressBar
{
    /// <summary>Below this much input a run finishes before a bar would be useful.</summary>
    public const long MinimumBytes = 64L * 1024 * 1024;

    private const long RedrawTicks = TimeSpan.TicksPerSecond / 4;

    private readonly TextWriter _error;
    private readonly long _totalBytes;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _lastDraw;
    private bool _drawn;

    private ProgressBar(TextWriter error, long totalBytes)
    {
        _error = error;
        _totalBytes = totalBytes;
    }

    public static ProgressBar? CreateIfUseful(TextWriter error, long totalBytes) =>
        !Console.IsErrorRedirected && totalBytes >= MinimumBytes ? new ProgressBar(error, totalBytes) : null;

    public void Update(long bytesDone, long packets, long flows)
    {
        var now = _clock.ElapsedTicks * TimeSpan.TicksPerSecond / Stopwatch.Frequency;
        if (now - _lastDraw < RedrawTicks)
        {
            return;
        }

        _lastDraw = now;
        _drawn = true;
        var fraction = Math.Clamp((double)bytesDone / _totalBytes, 0, 1);
        const int width = 30;
        var filled = (int)(fraction * width);
        var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 0.001);
        _error.Write($"\r[{new string('#', filled)}{new string(' ', width - filled)}] {fraction,4:P0}  {bytesDone / seconds / 1e6,7:F0} MB/s  {packets,12:N0} pkts  {flows,9:N0} flows ");
    }

    public void Clear()
    {
        if (_drawn)
        {
            _error.Write("\r" + new string(' ', 100) + "\r");
        }
    }
}
