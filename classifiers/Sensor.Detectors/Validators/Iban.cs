namespace Sensor.Detectors.Validators;

/// <summary>IBAN check (ISO 13616): country code with its registered length, then mod-97 of the rearranged number equals 1.</summary>
public static class Iban
{
    // Lengths from the SWIFT IBAN registry (release 98, 2024).
    private static readonly Dictionary<int, int> s_lengths = Build(
        "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 "
        + "GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 "
        + "ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 "
        + "TR26 UA29 VA22 VG24 XK20");

    /// <summary>The registered length of an IBAN for <paramref name="c0"/><paramref name="c1"/>, or 0.</summary>
    public static int LengthFor(char c0, char c1) => s_lengths.GetValueOrDefault((c0 << 8) | c1);

    /// <summary><paramref name="iban"/> is compact (no spaces), upper case.</summary>
    public static bool IsValid(ReadOnlySpan<char> iban)
    {
        if (iban.Length < 15 || iban.Length > 34 || LengthFor(iban[0], iban[1]) != iban.Length)
        {
            return false;
        }

        var remainder = 0;
        for (var i = 0; i < iban.Length; i++)
        {
            var c = iban[(i + 4) % iban.Length];
            if (char.IsAsciiDigit(c))
            {
                remainder = ((remainder * 10) + (c - '0')) % 97;
            }
            else if (char.IsAsciiLetterUpper(c))
            {
                remainder = ((remainder * 100) + (c - 'A' + 10)) % 97;
            }
            else
            {
                return false;
            }
        }

        return remainder == 1;
    }

    private static Dictionary<int, int> Build(string table)
    {
        var lengths = new Dictionary<int, int>();
        foreach (var entry in table.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            lengths[(entry[0] << 8) | entry[1]] = int.Parse(entry.AsSpan(2), System.Globalization.CultureInfo.InvariantCulture);
        }

        return lengths;
    }
}
