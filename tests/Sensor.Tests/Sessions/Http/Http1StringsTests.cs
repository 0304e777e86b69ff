using System.Text;
using Sensor.Sessions.Http;

namespace Sensor.Tests.Sessions.Http;

/// <summary>
/// The known-name lookup against a plain scan of the known names: every known name in three cases, near misses
/// (one character changed, one more or fewer), and random names. HTTP/1.1 folds case and shares the known string;
/// HTTP/2 (<see cref="Http1Strings.KnownName"/>) matches exactly.
/// </summary>
public sealed class Http1StringsTests
{
    [Fact]
    public void EveryKnownName_InAnyCase_IsTheSharedString()
    {
        foreach (var name in Http1Strings.KnownNames)
        {
            foreach (var wire in new[] { name, name.ToUpperInvariant(), Mixed(name) })
            {
                Assert.Same(name, Http1Strings.Name(Encoding.ASCII.GetBytes(wire)));
            }

            Assert.Same(name, Http1Strings.KnownName(Encoding.ASCII.GetBytes(name), out _));
            Assert.Null(Http1Strings.KnownName(Encoding.ASCII.GetBytes(name.ToUpperInvariant()), out _));
        }
    }

    [Fact]
    public void NearMissesAndRandomNames_AgreeWithAPlainScan()
    {
        var random = new Random(9112);
        var candidates = new List<string>();
        foreach (var name in Http1Strings.KnownNames)
        {
            candidates.Add(name[..^1]);
            candidates.Add(name + "x");
            candidates.Add("x" + name[1..]);
            for (var round = 0; round < 4; round++)
            {
                var chars = name.ToCharArray();
                chars[random.Next(chars.Length)] = (char)random.Next(0x21, 0x7F);
                candidates.Add(new string(chars));
            }
        }

        for (var round = 0; round < 2000; round++)
        {
            var chars = new char[random.Next(1, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)random.Next(0x21, 0x7F);
            }

            candidates.Add(new string(chars));
        }

        foreach (var candidate in candidates)
        {
            var bytes = Encoding.ASCII.GetBytes(candidate);
            var folded = candidate.ToLowerInvariant();
            var exact = Http1Strings.KnownNames.FirstOrDefault(known => known == candidate);
            var ignoringCase = Http1Strings.KnownNames.FirstOrDefault(known => known == folded);

            Assert.Equal(exact, Http1Strings.KnownName(bytes, out _));
            var name = Http1Strings.Name(bytes);
            Assert.Equal(folded, name);
            Assert.True(ignoringCase is null || ReferenceEquals(ignoringCase, name), candidate);
        }
    }

    [Fact]
    public void CaseBitFlips_MatchOnlyAtLetters()
    {
        // Flipping 0x20 turns a letter into its other case (still the name, ignoring case) but '-' into CR: not the name.
        foreach (var name in Http1Strings.KnownNames)
        {
            for (var i = 0; i < name.Length; i++)
            {
                var bytes = Encoding.ASCII.GetBytes(name);
                bytes[i] ^= 0x20;
                Assert.Null(Http1Strings.KnownName(bytes, out _));
                var folded = Http1Strings.Name(bytes);
                if (char.IsAsciiLetter(name[i]))
                {
                    Assert.Same(name, folded);
                }
                else
                {
                    Assert.NotEqual(name, folded);
                }
            }
        }
    }

    private static string Mixed(string name) =>
        string.Concat(name.Select((c, i) => i % 2 == 0 ? char.ToUpperInvariant(c) : c));
}
