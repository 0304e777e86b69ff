using System.Diagnostics;
using System.Text;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>A long-running sensor (live capture): started, watched on stderr, signalled, and awaited, all with time limits.</summary>
internal sealed class SensorProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _gate = new();

    private SensorProcess(ProcessStartInfo info)
    {
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.Start();
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public string Stderr
    {
        get
        {
            lock (_gate)
            {
                return _stderr.ToString();
            }
        }
    }

    public static SensorProcess Start(params string[] args) => new(SensorCli.StartInfo(args));

    /// <summary>Waits until stderr has a line containing <paramref name="text"/>; false on timeout or if the sensor exits first.</summary>
    public bool WaitForStderr(string text, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (Stderr.Contains(text, StringComparison.Ordinal))
            {
                return true;
            }

            if (_process.HasExited)
            {
                _process.WaitForExit(); // flush the stream readers, then look once more
                return Stderr.Contains(text, StringComparison.Ordinal);
            }

            Thread.Sleep(25);
        }

        return false;
    }

    public void Terminate() => Posix.Terminate(_process);

    /// <summary>Waits for exit and returns the run; kills the sensor and throws after <paramref name="timeout"/>.</summary>
    public SensorRun WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
            throw new TimeoutException($"the sensor did not exit within {timeout.TotalSeconds:F0} s; stderr:\n{Stderr}");
        }

        _process.WaitForExit(); // drains the asynchronous readers
        lock (_gate)
        {
            return new SensorRun(_process.ExitCode, _stdout.ToString(), _stderr.ToString());
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void Append(StringBuilder target, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            target.Append(line).Append('\n');
        }
    }
}
