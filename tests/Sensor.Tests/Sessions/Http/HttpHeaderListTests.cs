using Sensor.Core.Payloads;

namespace Sensor.Tests.Sessions.Http;

/// <summary>
/// <see cref="HttpHeaderList.Get"/> against a plain first-match scan: shared and fresh name strings, repeats, misses, and
/// the list changed between lookups in every way List&lt;T&gt; allows (its name filter must follow each change).
/// </summary>
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

    [Fact]
    public void Get_FollowsEveryChange_MadeBetweenLookups()
    {
        var random = new Random(7541);
        var list = new HttpHeaderList();
        List<HttpHeader> asList = list; // changes through the base type, as any holder of a List<HttpHeader> makes them
        for (var step = 0; step < 3000; step++)
        {
            var name = s_names[random.Next(s_names.Length)];
            var header = new HttpHeader(random.Next(2) == 0 ? name : new string(name.AsSpan()), $"value {step}");
            switch (random.Next(16))
            {
                case 5 when list.Count < 24:
                    asList.AddRange([header, header with { Value = $"second {step}" }]);
                    break;
                case 6 when list.Count > 1:
                    asList.RemoveRange(random.Next(list.Count - 1), 2);
                    break;
                case 7 when list.Count < 24:
                    asList.InsertRange(random.Next(list.Count + 1), [header]);
                    break;
                case 8:
                    asList.RemoveAll(h => h.Name == name);
                    break;
                case 9:
                    asList.Reverse();
                    break;
                case 10:
                    asList.Sort((a, b) => string.CompareOrdinal(a.Value, b.Value));
                    break;
                case 11 when list.Count > 0:
                    asList.Remove(asList[random.Next(list.Count)]);
                    break;
                case 0 when list.Count > 0:
                    asList[random.Next(list.Count)] = header;
                    break;
                case 1 when list.Count > 0:
                    asList.RemoveAt(random.Next(list.Count));
                    break;
                case 2 when list.Count > 0:
                    asList.Insert(random.Next(list.Count), header);
                    break;
                case 3 when random.Next(10) == 0:
                    asList.Clear();
                    break;
                case 4:
                    asList.Add(header);
                    break;
                default:
                    if (list.Count < 24)
                    {
                        list.Add(header);
                    }

                    break;
            }

            foreach (var asked in s_names.Append("absent"))
            {
                Assert.Equal(list.Where(h => h.Name == asked).Select(h => h.Value).FirstOrDefault(), list.Get(asked));
            }
        }
    }
}
