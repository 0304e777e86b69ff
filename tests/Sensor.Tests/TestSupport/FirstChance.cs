using System.Runtime.ExceptionServices;

namespace Sensor.Tests.TestSupport;

/// <summary>Counts exceptions thrown (even if caught) on the calling thread while an action runs: hot-path code must not throw.</summary>
internal static class FirstChance
{
    public static int Count<TException>(Action action)
        where TException : Exception
    {
        var thread = Environment.CurrentManagedThreadId;
        var count = 0;
        void OnThrow(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (e.Exception is TException && Environment.CurrentManagedThreadId == thread)
            {
                Interlocked.Increment(ref count);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnThrow;
        try
        {
            action();
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnThrow;
        }

        return count;
    }
}
