using Sensor.Core.Payloads;

namespace Sensor.Tests.Sessions.Http;

/// <summary><see cref="HttpHeaderList.Get"/> against a plain first-match scan: shared and fresh name strings, repeats, misses.</summary>
public sealed class HttpHeaderListTests
{
    private static readonly string[] s_names = ["host", "content-type", "x-api-key", "authorization", "cookie", "accept", "x-custom"];

    [Fact]
    public void Get_IsTheFirstValueOfTheName_AsAPlainScanFindsIt()
    {
        var random = new Random(9110);
        for (var round = 0; round < 500; round++)
        {
            var list = new HttpHeaderList();
            var count = random.Next(0, 20);
            for (var i = 0; i < count; i++)
            {
                // A name made afresh (not the literal's instance) must be found the same as the shared one.
                var name = s_names[random.Next(s_names.Length)];
                list.Add(new HttpHeader(random.Next(2) == 0 ? name : new string(name.AsSpan()), $"value {i}"));
            }

            foreach (var name in s_names.Append("absent"))
            {
                var expected = list.Where(h => h.Name == name).Select(h => h.Value).FirstOrDefault();
                Assert.Equal(expected, list.Get(name));
                Assert.Equal(expected is not null, list.Contains(name));
            }
        }
    }
}
