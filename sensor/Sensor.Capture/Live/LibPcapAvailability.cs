using System.Runtime.InteropServices;

namespace Sensor.Capture.Live;

/// <summary>Checks for the native libpcap before SharpPcap touches it, so its absence is one clear line, not a stack trace.</summary>
public static class LibPcapAvailability
{
    /// <summary>The names SharpPcap's resolver tries on Linux and macOS (Debian's package is libpcap0.8).</summary>
    private static readonly string[] s_candidates = ["libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "libpcap.dylib", "wpcap"];

    public const string MissingMessage =
        "live capture needs libpcap, which is not installed: install the Debian package libpcap0.8 " +
        "(sudo apt-get install libpcap0.8, or run scripts/install-capture-deps.sh). Offline analysis does not need it.";

    public static bool IsAvailable()
    {
        foreach (var name in s_candidates)
        {
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                NativeLibrary.Free(handle);
                return true;
            }
        }

        return false;
    }
}
