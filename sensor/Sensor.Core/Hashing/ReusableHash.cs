using System.Security.Cryptography;

namespace Sensor.Core.Hashing;

/// <summary>
/// Per-thread hash objects reused across calls. The static one-shot helpers (SHA1.HashData...) go to OpenSSL
/// with a fresh digest context every time; a flow-per-call hash (Community ID, JA3, JA4) reuses one instead.
/// Used for identifiers, not for security decisions.
/// </summary>
public static class ReusableHash
{
    [ThreadStatic]
    private static IncrementalHash? t_sha1;

    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    [ThreadStatic]
    private static IncrementalHash? t_md5;

    public static void Sha1(ReadOnlySpan<byte> data, Span<byte> digest) => Hash(ref t_sha1, HashAlgorithmName.SHA1, data, digest);

    public static void Sha256(ReadOnlySpan<byte> data, Span<byte> digest) => Hash(ref t_sha256, HashAlgorithmName.SHA256, data, digest);

    public static void Md5(ReadOnlySpan<byte> data, Span<byte> digest) => Hash(ref t_md5, HashAlgorithmName.MD5, data, digest);

    private static void Hash(ref IncrementalHash? slot, HashAlgorithmName algorithm, ReadOnlySpan<byte> data, Span<byte> digest)
    {
        var hash = slot ??= IncrementalHash.CreateHash(algorithm);
        hash.AppendData(data);
        hash.GetHashAndReset(digest);
    }
}
