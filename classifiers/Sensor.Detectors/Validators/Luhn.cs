namespace Sensor.Detectors.Validators;

/// <summary>The Luhn mod-10 check (ISO/IEC 7812-1 Annex B) over ASCII digits.</summary>
public static class Luhn
{
    public static bool IsValid(ReadOnlySpan<char> digits)
    {
        if (digits.IsEmpty)
        {
            return false;
        }

        var sum = 0;
        var doubleIt = false;
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            var d = digits[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            if (doubleIt)
            {
                d *= 2;
                if (d > 9)
                {
                    d -= 9;
                }
            }

            sum += d;
            doubleIt = !doubleIt;
        }

        return sum % 10 == 0;
    }
}

/// <summary>
/// Payment card brands by IIN range and length (the published ranges of Visa, Mastercard, Amex, Discover, Diners, JCB,
/// UnionPay, Maestro, Mir, UATP), so a Luhn-valid number outside every range (1 in 10 random numbers passes Luhn) is not a card.
/// </summary>
public static class PaymentCardBrand
{
    public static string? Of(ReadOnlySpan<char> digits)
    {
        var n = digits.Length;
        if (n < 12 || n > 19)
        {
            return null;
        }

        var p2 = Prefix(digits, 2);
        var p3 = Prefix(digits, 3);
        var p4 = Prefix(digits, 4);
        var p6 = Prefix(digits, 6);
        if (digits[0] == '4' && n is 13 or 16 or 19)
        {
            return "visa";
        }

        if (((p2 >= 51 && p2 <= 55) || (p4 >= 2221 && p4 <= 2720)) && n == 16)
        {
            return "mastercard";
        }

        if (p2 is 34 or 37 && n == 15)
        {
            return "amex";
        }

        if ((p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || (p6 >= 622126 && p6 <= 622925)) && n >= 16)
        {
            return "discover";
        }

        if (((p3 >= 300 && p3 <= 305) || p2 is 36 or 38 or 39 || p4 == 3095) && n >= 14)
        {
            return "diners";
        }

        if (p4 >= 3528 && p4 <= 3589 && n >= 16)
        {
            return "jcb";
        }

        if (p4 >= 2200 && p4 <= 2204 && n >= 16)
        {
            return "mir";
        }

        if (p2 == 62 && n >= 16)
        {
            return "unionpay";
        }

        if ((p2 == 50 || (p2 >= 56 && p2 <= 69)) && n >= 12)
        {
            return "maestro";
        }

        return digits[0] == '1' && n == 15 ? "uatp" : null;
    }

    private static int Prefix(ReadOnlySpan<char> digits, int length)
    {
        var value = 0;
        for (var i = 0; i < length; i++)
        {
            value = (value * 10) + (digits[i] - '0');
        }

        return value;
    }
}
