using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Sensor.Golden.Tests.Infrastructure;

/// <summary>
/// What live-capture tests need from the machine, checked once: libpcap loadable, capture on <c>lo</c>
/// permitted (CAP_NET_RAW), and for the "libpcap missing" test a way to hide libpcap (a private mount namespace).
/// </summary>
internal static class LiveCaptureEnvironment
{
    // The names the sensor's LibPcapAvailability and SharpPcap try.
    private static readonly string[] s_libpcapNames = ["libpcap.so.0.8", "libpcap.so.1", "libpcap.so", "libpcap.dylib", "wpcap"];

    private const int CapNetRaw = 13;
    private const int CapSysAdmin = 21;

    private static readonly Lazy<string?> s_whyNoCapture = new(WhyNoCapture);
    private static readonly Lazy<string?> s_whyCannotHide = new(WhyCannotHideLibpcap);

    public static bool LibpcapPresent => s_libpcapNames.Any(name =>
    {
        if (NativeLibrary.TryLoad(name, out var handle))
        {
            NativeLibrary.Free(handle);
            return true;
        }

        return false;
    });

    /// <summary>Null when live capture on <c>lo</c> can be tested here; otherwise why not.</summary>
    public static string? WhyCaptureUntestable => s_whyNoCapture.Value;

    /// <summary>Null when the sensor can be run without a loadable libpcap; otherwise why not.</summary>
    public static string? WhyLibpcapCannotBeHidden => s_whyCannotHide.Value;

    /// <summary>The files the dynamic loader would open for libpcap (symlinks resolved), from <c>ldconfig -p</c>.</summary>
    public static IReadOnlyList<string> LibpcapFiles()
    {
        var files = new SortedSet<string>(StringComparer.Ordinal);
        var ldconfig = RunQuietly(File.Exists("/sbin/ldconfig") ? "/sbin/ldconfig" : "ldconfig", ["-p"]);
        foreach (var line in (ldconfig?.Output ?? "").Split('\n'))
        {
            var arrow = line.IndexOf("=> ", StringComparison.Ordinal);
            if (line.Contains("libpcap", StringComparison.Ordinal) && arrow > 0)
            {
                var path = line[(arrow + 3)..].Trim();
                if (File.Exists(path))
                {
                    // Bind mounts follow symlinks anyway: name the file itself.
                    files.Add(new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path);
                }
            }
        }

        return files.ToList();
    }

    private static string? WhyNoCapture()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "live capture tests run on Linux only";
        }

        if (!LibpcapPresent)
        {
            return "libpcap is not installed (Debian package libpcap0.8): live capture cannot be tested";
        }

        if (!Directory.Exists("/sys/class/net/lo"))
        {
            return "no loopback interface 'lo'";
        }

        if (!HasEffectiveCapability(CapNetRaw))
        {
            return "capture on 'lo' is not permitted: this process lacks CAP_NET_RAW (run as root or grant the capability)";
        }

        return null;
    }

    private static string? WhyCannotHideLibpcap()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Linux only";
        }

        if (!LibpcapPresent)
        {
            return null; // nothing to hide: the machine itself lacks libpcap
        }

        if (!HasEffectiveCapability(CapSysAdmin))
        {
            return "libpcap is installed and cannot be hidden: a private mount namespace needs CAP_SYS_ADMIN";
        }

        var files = LibpcapFiles();
        if (files.Count == 0 || files.Any(f => f.Contains(' ', StringComparison.Ordinal)))
        {
            return "libpcap loads but ldconfig -p does not list it (by a plain path), so it cannot be hidden reliably";
        }

        var probe = HidingLibpcap("true");
        var result = RunQuietly(probe.FileName, [.. probe.ArgumentList], probe.Environment);
        return result is { ExitCode: 0 } ? null : "libpcap is installed and cannot be hidden: `unshare --mount` with a bind mount over it failed here";
    }

    /// <summary>
    /// Runs <paramref name="command"/> in a private mount namespace where every libpcap file is replaced by
    /// /dev/null (a bind mount), so the dynamic loader cannot load it: a machine without libpcap, for one process.
    /// Nothing outside that process sees the mounts; they vanish with it.
    /// </summary>
    public static ProcessStartInfo HidingLibpcap(params string[] command)
    {
        var info = new ProcessStartInfo("unshare");
        foreach (var arg in new[] { "--mount", "--propagation", "private", "--", "/bin/sh", "-c", "set -e; for lib in $HIDE_LIBS; do mount --bind /dev/null \"$lib\"; done; exec \"$@\"", "sh" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var arg in command)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["HIDE_LIBS"] = string.Join(' ', LibpcapFiles());
        return info;
    }

    /// <summary>Reads the effective capability set of this process (<c>CapEff</c> in /proc/self/status).</summary>
    private static bool HasEffectiveCapability(int capability)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    var mask = ulong.Parse(line["CapEff:".Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    return (mask & (1UL << capability)) != 0;
                }
            }
        }
        catch (IOException)
        {
        }

        return false;
    }

    /// <summary>Runs a helper program; null when it is not installed or hangs.</summary>
    private static (int ExitCode, string Output)? RunQuietly(string fileName, string[] args, IDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(fileName);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            info.Environment[name] = value;
        }

        try
        {
            var run = SensorCli.RunProcess(info, TimeSpan.FromSeconds(10), fileName);
            return (run.ExitCode, run.Stdout);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or TimeoutException)
        {
            return null;
        }
    }
}

/// <summary>
/// A fact that needs real live capture on <c>lo</c>. xunit 2.x has no runtime skip, so the check runs when the
/// attribute is created at discovery and sets <see cref="FactAttribute.Skip"/>: the test is reported as skipped,
/// with the reason, instead of passing silently.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class LiveCaptureFactAttribute : FactAttribute
{
    public LiveCaptureFactAttribute()
    {
        if (LiveCaptureEnvironment.WhyCaptureUntestable is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>A fact that needs to run the sensor on a machine (or in a namespace) where libpcap cannot be loaded.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class WithoutLibpcapFactAttribute : FactAttribute
{
    public WithoutLibpcapFactAttribute()
    {
        if (LiveCaptureEnvironment.WhyLibpcapCannotBeHidden is { } reason)
        {
            Skip = reason;
        }
    }
}

/// <summary>POSIX signals for the sensor child process (Process.Kill sends SIGKILL, which skips the clean shutdown).</summary>
internal static partial class Posix
{
    public const int SigTerm = 15;

    public static void Terminate(Process process)
    {
        if (Kill(process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill({process.Id}, SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
