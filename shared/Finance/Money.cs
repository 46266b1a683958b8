using System.Globalization;
using System.Numerics;
using System.Text.Json.Serialization;

namespace LandRedevelopment.Finance;

/// <summary>
/// An exact amount of money in yuan (元), kept as a whole number of fen (分, 0.01 yuan).
/// </summary>
/// <remarks>
/// <para>
/// The city policies keep money to the fen, and an instalment schedule must add up to the amount due
/// exactly, so nothing here rounds silently: <see cref="FromYuan"/> refuses a fraction of a fen, and the
/// operations that must round (<see cref="RoundFromYuan"/>, <see cref="Multiply"/>) round half away from
/// zero (四舍五入), the rounding a Chinese land-price notice uses. Every operation is overflow-checked.
/// </para>
/// <para>
/// In JSON an amount is a number in yuan with two decimals (<c>1234.50</c>); see
/// <see cref="MoneyJsonConverter"/>.
/// </para>
/// </remarks>
[JsonConverter(typeof(MoneyJsonConverter))]
public readonly record struct Money : IComparable<Money>, IComparable
{
    private const int FenPerYuan = 100;

    private Money(long fen) => Fen = fen;

    /// <summary>The amount as a whole number of fen.</summary>
    public long Fen { get; }

    /// <summary>The amount in yuan; exact, with a scale of two decimals (so it prints as <c>1234.50</c>).</summary>
    public decimal Yuan
    {
        get
        {
            // Built from the fen with scale 2 rather than divided by 100, which would drop the scale.
            var magnitude = Fen < 0 ? (ulong)(-(Fen + 1)) + 1 : (ulong)Fen;
            return new decimal((int)(uint)magnitude, (int)(uint)(magnitude >> 32), 0, Fen < 0, 2);
        }
    }

    /// <summary>No money.</summary>
    public static Money Zero => default;

    /// <summary>The amount of <paramref name="fen"/> fen.</summary>
    public static Money FromFen(long fen) => new(fen);

    /// <summary>The amount of <paramref name="yuan"/> yuan, which must be a whole number of fen.</summary>
    /// <exception cref="ArgumentException"><paramref name="yuan"/> has a fraction of a fen.</exception>
    /// <exception cref="OverflowException">The amount does not fit in a <see cref="long"/> of fen.</exception>
    public static Money FromYuan(decimal yuan)
    {
        // Comparing with the value rounded to two places, not inspecting the scale, so that 1.500 is
        // accepted: it is a whole number of fen however it was written.
        if (decimal.Round(yuan, 2) != yuan)
        {
            throw new ArgumentException(
                $"{yuan.ToString(CultureInfo.InvariantCulture)} yuan is not a whole number of fen; money is kept to the fen. Use RoundFromYuan to round it.",
                nameof(yuan));
        }

        return new Money(ToFen(yuan));
    }

    /// <summary>
    /// The amount of <paramref name="yuan"/> yuan rounded to the fen, half away from zero (四舍五入):
    /// 0.005 → 0.01, −0.005 → −0.01, 0.0049 → 0.00.
    /// </summary>
    /// <exception cref="OverflowException">The amount does not fit in a <see cref="long"/> of fen.</exception>
    public static Money RoundFromYuan(decimal yuan) =>
        // Rounding in yuan first keeps it exact: multiplying a long decimal by 100 first could make
        // decimal drop a trailing digit and move a value onto or off the half-fen.
        new(ToFen(decimal.Round(yuan, 2, MidpointRounding.AwayFromZero)));

    private static long ToFen(decimal wholeFenInYuan) => decimal.ToInt64(wholeFenInYuan * FenPerYuan);

    /// <summary>The sum of two amounts.</summary>
    /// <exception cref="OverflowException">The sum does not fit.</exception>
    public static Money operator +(Money left, Money right) => new(checked(left.Fen + right.Fen));

    /// <summary>The difference of two amounts.</summary>
    /// <exception cref="OverflowException">The difference does not fit.</exception>
    public static Money operator -(Money left, Money right) => new(checked(left.Fen - right.Fen));

    /// <summary>The amount with its sign changed.</summary>
    /// <exception cref="OverflowException">The amount is the most negative one, whose negation does not fit.</exception>
    public static Money operator -(Money value) => new(checked(-value.Fen));

    /// <summary>Whether <paramref name="left"/> is less than <paramref name="right"/>.</summary>
    public static bool operator <(Money left, Money right) => left.Fen < right.Fen;

    /// <summary>Whether <paramref name="left"/> is greater than <paramref name="right"/>.</summary>
    public static bool operator >(Money left, Money right) => left.Fen > right.Fen;

    /// <summary>Whether <paramref name="left"/> is less than or equal to <paramref name="right"/>.</summary>
    public static bool operator <=(Money left, Money right) => left.Fen <= right.Fen;

    /// <summary>Whether <paramref name="left"/> is greater than or equal to <paramref name="right"/>.</summary>
    public static bool operator >=(Money left, Money right) => left.Fen >= right.Fen;

    /// <inheritdoc />
    public int CompareTo(Money other) => Fen.CompareTo(other.Fen);

    /// <inheritdoc />
    int IComparable.CompareTo(object? obj) => obj switch
    {
        null => 1,
        Money other => CompareTo(other),
        _ => throw new ArgumentException("The object is not Money.", nameof(obj)),
    };

    /// <summary>
    /// The amount times <paramref name="factor"/>, rounded to the fen half away from zero (四舍五入),
    /// e.g. 70 % of an appraisal or a 50 % first payment.
    /// </summary>
    /// <remarks>
    /// The product is computed exactly (not in <see cref="decimal"/>, which would round a long product
    /// to 28 digits before we round it to the fen), so the half-fen decision is always on the true value.
    /// </remarks>
    /// <exception cref="OverflowException">The product does not fit.</exception>
    public Money Multiply(decimal factor)
    {
        var (mantissa, scale) = Decompose(factor);
        var divisor = BigInteger.Pow(10, scale);
        var product = Fen * mantissa;
        var quotient = BigInteger.DivRem(product, divisor, out var remainder);
        // Half away from zero: a remainder of at least half the divisor moves the quotient one fen
        // further from zero (remainder carries the product's sign).
        if (BigInteger.Abs(remainder) * 2 >= divisor)
        {
            quotient += product.Sign;
        }

        return new Money(checked((long)quotient));
    }

    /// <summary>The sum of <paramref name="amounts"/>; <see cref="Zero"/> for none.</summary>
    /// <exception cref="OverflowException">The sum does not fit.</exception>
    public static Money Sum(IEnumerable<Money> amounts)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        var fen = 0L;
        foreach (var amount in amounts)
        {
            fen = checked(fen + amount.Fen);
        }

        return new Money(fen);
    }

    /// <summary>Splits the amount into shares proportional to <paramref name="weights"/>; see <see cref="Allocate(IReadOnlyList{decimal})"/>.</summary>
    public IReadOnlyList<Money> Allocate(params decimal[] weights) => Allocate((IReadOnlyList<decimal>)weights);

    /// <summary>
    /// Splits the amount into one share per weight, proportional to the weights, such that the shares
    /// always add up to the amount exactly (an instalment schedule must add up to the amount due).
    /// </summary>
    /// <remarks>
    /// <para>
    /// Largest-remainder method (Hamilton): each share first gets its exact proportion rounded towards
    /// zero to the fen; the fen left over (fewer than the number of shares) go one each to the shares
    /// with the largest remainders; among equal remainders the earlier share goes first. So:
    /// </para>
    /// <list type="bullet">
    /// <item>every share is within one fen of its exact proportion (strictly less than one fen away);</item>
    /// <item>a share with weight zero gets zero;</item>
    /// <item>a share never gets less (in size) than a later share with the same or a smaller weight,
    /// so ¥100.00 in three equal parts is ¥33.34, ¥33.33, ¥33.33 — the first instalment takes the extra fen;</item>
    /// <item>a negative amount is split as its size and the shares negated, so the rules above hold in size.</item>
    /// </list>
    /// <para>The proportions are computed exactly, not in floating point or <see cref="decimal"/>.</para>
    /// </remarks>
    /// <param name="weights">Non-negative weights, at least one greater than zero; one share per weight, in order.</param>
    /// <exception cref="ArgumentException">No weights, a negative weight, or all weights zero.</exception>
    public IReadOnlyList<Money> Allocate(IReadOnlyList<decimal> weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.Count == 0)
        {
            throw new ArgumentException("There must be at least one weight.", nameof(weights));
        }

        // Bring every weight to a common scale so that they become exact integers.
        var maxScale = 0;
        for (var i = 0; i < weights.Count; i++)
        {
            if (weights[i] < 0)
            {
                throw new ArgumentException($"Weight {i} is negative ({weights[i].ToString(CultureInfo.InvariantCulture)}); weights must be non-negative.", nameof(weights));
            }

            maxScale = Math.Max(maxScale, weights[i].Scale);
        }

        var integerWeights = new BigInteger[weights.Count];
        var total = BigInteger.Zero;
        for (var i = 0; i < weights.Count; i++)
        {
            var (mantissa, scale) = Decompose(weights[i]);
            integerWeights[i] = mantissa * BigInteger.Pow(10, maxScale - scale);
            total += integerWeights[i];
        }

        if (total.IsZero)
        {
            throw new ArgumentException("At least one weight must be greater than zero.", nameof(weights));
        }

        var sign = Math.Sign(Fen);
        var size = BigInteger.Abs(Fen);
        var shares = new BigInteger[weights.Count];
        var remainders = new BigInteger[weights.Count];
        var leftOver = size;
        for (var i = 0; i < weights.Count; i++)
        {
            shares[i] = BigInteger.DivRem(size * integerWeights[i], total, out remainders[i]);
            leftOver -= shares[i];
        }

        // leftOver < weights.Count, since each share lost less than one fen. A stable sort by remainder,
        // largest first, makes equal remainders keep their order: the earlier share gets the fen.
        var order = Enumerable.Range(0, weights.Count).OrderByDescending(i => remainders[i]).ToArray();
        for (var k = 0; k < (int)leftOver; k++)
        {
            shares[order[k]] += 1;
        }

        var result = new Money[weights.Count];
        for (var i = 0; i < weights.Count; i++)
        {
            result[i] = new Money(sign * (long)shares[i]);
        }

        return result;
    }

    private static (BigInteger Mantissa, int Scale) Decompose(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        var magnitude = ((BigInteger)(uint)bits[2] << 64) | ((BigInteger)(uint)bits[1] << 32) | (uint)bits[0];
        return (value < 0 ? -magnitude : magnitude, value.Scale);
    }

    /// <summary>
    /// The amount as <c>¥1,234,567.89</c>: invariant culture, thousands separators, always two decimals,
    /// and a minus sign before the yuan sign for a negative amount (<c>-¥0.01</c>).
    /// </summary>
    public override string ToString()
    {
        var size = Math.Abs(Yuan).ToString("#,##0.00", CultureInfo.InvariantCulture);
        return Fen < 0 ? "-¥" + size : "¥" + size;
    }

    /// <summary>
    /// Reads an amount in yuan such as <c>1234.56</c>, <c>1234</c>, <c>¥1,234.56</c> or <c>-¥0.01</c>
    /// (every form <see cref="ToString"/> writes).
    /// </summary>
    /// <remarks>
    /// Accepted: an optional leading minus, an optional yuan sign (¥, or the full-width ￥ common in
    /// Chinese text), ASCII digits, optionally grouped by commas in threes, and at most two decimals.
    /// Anything else — including a third decimal, even a zero one — is not parsed, because a third
    /// decimal means the figure was not kept to the fen and silently accepting it would hide that.
    /// Surrounding white space is ignored.
    /// </remarks>
    public static bool TryParse(string? text, out Money value) => TryParse(text, out value, out _);

    /// <summary>Reads an amount as <see cref="TryParse(string?, out Money)"/> does.</summary>
    /// <exception cref="FormatException"><paramref name="text"/> is not an amount kept to the fen.</exception>
    public static Money Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(text, out var value, out var tooManyDecimals)
            ? value
            : throw new FormatException(tooManyDecimals
                ? $"'{text}' has more than two decimals: money is kept to the fen (two decimals)."
                : $"'{text}' is not an amount of money in yuan (e.g. 1234.56 or ¥1,234.56).");
    }

    internal static bool TryParse(string? text, out Money value, out bool tooManyDecimals)
    {
        value = Zero;
        tooManyDecimals = false;
        if (text is null)
        {
            return false;
        }

        var match = MoneyText.Amount().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        var decimals = match.Groups["decimals"];
        if (decimals.Success && decimals.Length > 2)
        {
            tooManyDecimals = true;
            return false;
        }

        var number = (match.Groups["minus"].Success ? "-" : "")
            + match.Groups["integer"].Value.Replace(",", "", StringComparison.Ordinal)
            + (decimals.Success ? "." + decimals.Value : "");
        if (!decimal.TryParse(number, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var yuan))
        {
            return false;
        }

        try
        {
            value = FromYuan(yuan);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }
}
