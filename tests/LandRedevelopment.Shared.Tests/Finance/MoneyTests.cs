using LandRedevelopment.Finance;
using System.Text.Json;

namespace LandRedevelopment.Shared.Tests.Finance;


public class MoneyTests
{
    private static Money Yuan(decimal yuan) => Money.FromYuan(yuan);

    [Theory]
    [InlineData("0.005", "0.01")]
    [InlineData("0.0049999", "0.00")]
    [InlineData("-0.005", "-0.01")]
    [InlineData("-0.0049", "0.00")]
    [InlineData("1.235", "1.24")]
    [InlineData("2.345", "2.35")] // banker's rounding would give 2.34
    [InlineData("2.355", "2.36")]
    [InlineData("12345678.994999999999", "12345678.99")]
    [InlineData("7.1", "7.10")]
    public void RoundFromYuan_rounds_half_away_from_zero_to_the_fen(string yuan, string expected)
    {
        var rounded = Money.RoundFromYuan(decimal.Parse(yuan, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), rounded.Yuan);
    }

    [Fact]
    public void FromYuan_refuses_a_fraction_of_a_fen_instead_of_rounding()
    {
        var e = Assert.Throws<ArgumentException>(() => Money.FromYuan(0.005m));
        Assert.Contains("fen", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => Money.FromYuan(-1234.561m));
    }

    [Fact]
    public void FromYuan_takes_trailing_zeros_beyond_the_fen_as_the_same_amount()
    {
        Assert.Equal(Money.FromFen(150), Money.FromYuan(1.500m));
    }

    [Fact]
    public void Yuan_and_fen_agree_and_yuan_keeps_two_decimals()
    {
        var amount = Money.FromFen(123450);

        Assert.Equal(1234.5m, amount.Yuan);
        Assert.Equal("1234.50", amount.Yuan.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(-0.01m, Money.FromFen(-1).Yuan);
        Assert.Equal(long.MinValue / 100m, Money.FromFen(long.MinValue).Yuan);
    }

    [Fact]
    public void Arithmetic_and_comparisons_work_in_fen()
    {
        var a = Yuan(100.01m);
        var b = Yuan(0.02m);

        Assert.Equal(Yuan(100.03m), a + b);
        Assert.Equal(Yuan(99.99m), a - b);
        Assert.Equal(Yuan(-100.01m), -a);
        Assert.True(b < a);
        Assert.True(a > b);
        Assert.True(a >= Money.FromFen(10001) && a <= Money.FromFen(10001));
        Assert.True(-a < Money.Zero);
        Assert.Equal(0, a.CompareTo(Money.FromFen(10001)));
        Assert.Equal(Yuan(100.03m), Money.Sum([a, b]));
        Assert.Equal(Money.Zero, Money.Sum([]));
        Assert.Equal(Money.Zero, default);
    }

    [Fact]
    public void Arithmetic_overflow_throws_rather_than_wrapping()
    {
        var max = Money.FromFen(long.MaxValue);
        var min = Money.FromFen(long.MinValue);

        Assert.Throws<OverflowException>(() => max + Money.FromFen(1));
        Assert.Throws<OverflowException>(() => min - Money.FromFen(1));
        Assert.Throws<OverflowException>(() => -min);
        Assert.Throws<OverflowException>(() => Money.Sum([max, Money.FromFen(1)]));
        Assert.Throws<OverflowException>(() => max.Multiply(1.01m));
        Assert.Throws<OverflowException>(() => Money.FromYuan(100_000_000_000_000_000m));
    }

    [Theory]
    [InlineData(10001, "0.5", 5001)]       // 50.005 → 50.01
    [InlineData(-10001, "0.5", -5001)]     // −50.005 → −50.01
    [InlineData(10001, "0.7", 7001)]       // 70.007 → 70.01
    [InlineData(123456789, "0.7", 86419752)] // 864197.523 → 864197.52
    [InlineData(3, "0.5", 2)]
    [InlineData(1, "0.4999999999999999999999999999", 0)] // exactly, not via a rounded decimal product
    [InlineData(100, "-1.5", -150)]
    [InlineData(0, "0.5", 0)]
    public void Multiply_rounds_half_away_from_zero(long fen, string factor, long expectedFen)
    {
        var product = Money.FromFen(fen).Multiply(decimal.Parse(factor, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Money.FromFen(expectedFen), product);
    }

    [Fact]
    public void Multiply_decides_the_half_fen_on_the_exact_product()
    {
        // The exact product is 4,611,686,018,427,387,903.4999999990776…: just under the half fen.
        var amount = Money.FromFen(long.MaxValue);

        Assert.Equal(Money.FromFen(4_611_686_018_427_387_903), amount.Multiply(0.4999999999999999999999999999m));
        Assert.Equal(Money.FromFen(4_611_686_018_427_387_904), amount.Multiply(0.5m));
    }

    [Fact]
    public void Allocate_gives_the_extra_fen_to_the_earlier_of_equal_shares()
    {
        Assert.Equal([Yuan(33.34m), Yuan(33.33m), Yuan(33.33m)], Yuan(100m).Allocate(1, 1, 1));
        Assert.Equal([Yuan(0.01m), Yuan(0.01m), Yuan(0m)], Yuan(0.02m).Allocate(1, 1, 1));
    }

    [Fact]
    public void Allocate_gives_the_left_over_fen_to_the_largest_remainders()
    {
        // 0.10 in 1:1:1:3: exact 0.016…, 0.016…, 0.016…, 0.05 → 0.02, 0.02, 0.01, 0.05.
        Assert.Equal([Yuan(0.02m), Yuan(0.02m), Yuan(0.01m), Yuan(0.05m)], Yuan(0.10m).Allocate(1, 1, 1, 3));
        // 1.00 in 0.1:0.3:0.6 — exact, nothing left over.
        Assert.Equal([Yuan(0.10m), Yuan(0.30m), Yuan(0.60m)], Yuan(1m).Allocate(0.1m, 0.3m, 0.6m));
    }

    [Fact]
    public void Allocate_splits_an_instalment_schedule_that_adds_up_to_the_amount_due()
    {
        // Zhongwei: 20 % at signing, 50 % within the month, the rest within the year.
        var due = Yuan(1_234_567.89m);

        var shares = due.Allocate(20, 50, 30);

        // Exact: 246,913.578, 617,283.945, 370,370.367; the two left-over fen go to the .8 and .7 remainders.
        Assert.Equal([Yuan(246_913.58m), Yuan(617_283.94m), Yuan(370_370.37m)], shares);
        Assert.Equal(due, Money.Sum(shares));
    }

    [Fact]
    public void Allocate_splits_a_negative_amount_as_its_size_negated()
    {
        Assert.Equal([Yuan(-33.34m), Yuan(-33.33m), Yuan(-33.33m)], Yuan(-100m).Allocate(1, 1, 1));
    }

    [Fact]
    public void Allocate_gives_a_zero_weight_nothing()
    {
        Assert.Equal([Yuan(0m), Yuan(0.01m), Yuan(0m)], Yuan(0.01m).Allocate(0, 1, 0));
        Assert.Equal([Money.Zero, Money.Zero], Money.Zero.Allocate(1, 1));
    }

    [Fact]
    public void Allocate_takes_a_list_of_weights()
    {
        IReadOnlyList<decimal> weights = [1m, 1m];

        Assert.Equal([Yuan(0.02m), Yuan(0.01m)], Yuan(0.03m).Allocate(weights));
    }

    [Fact]
    public void Allocate_refuses_weights_that_split_nothing()
    {
        Assert.Throws<ArgumentException>(() => Yuan(1m).Allocate());
        Assert.Throws<ArgumentException>(() => Yuan(1m).Allocate(0, 0));
        Assert.Throws<ArgumentException>(() => Yuan(1m).Allocate(1, -1, 1));
    }

    [Theory]
    [InlineData(123456789L, "¥1,234,567.89")]
    [InlineData(-1L, "-¥0.01")]
    [InlineData(0L, "¥0.00")]
    [InlineData(500L, "¥5.00")]
    [InlineData(-123450L, "-¥1,234.50")]
    [InlineData(long.MinValue, "-¥92,233,720,368,547,758.08")]
    public void ToString_writes_yuan_with_separators_and_two_decimals(long fen, string expected)
    {
        Assert.Equal(expected, Money.FromFen(fen).ToString());
    }

    [Theory]
    [InlineData("1234.56", 123456L)]
    [InlineData("¥1,234.56", 123456L)]
    [InlineData("1234", 123400L)]
    [InlineData("1234.5", 123450L)]
    [InlineData("-¥0.01", -1L)]
    [InlineData("-1234.56", -123456L)]
    [InlineData("￥1,234,567.89", 123456789L)]
    [InlineData("  12  ", 1200L)]
    [InlineData("0", 0L)]
    [InlineData("¥92,233,720,368,547,758.07", long.MaxValue)]
    public void Parse_reads_plain_and_formatted_yuan(string text, long fen)
    {
        Assert.True(Money.TryParse(text, out var parsed));
        Assert.Equal(Money.FromFen(fen), parsed);
        Assert.Equal(Money.FromFen(fen), Money.Parse(text));
    }

    [Theory]
    [InlineData("1234.567")]
    [InlineData("1234.560")]
    [InlineData("1,23.45")]
    [InlineData("12,34")]
    [InlineData("1234.")]
    [InlineData(".5")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("1e3")]
    [InlineData("¥¥1")]
    [InlineData("¥-1")]
    [InlineData("+1")]
    [InlineData("1 234")]
    [InlineData("١٢")] // Arabic-Indic digits
    [InlineData("92233720368547758.08")] // one fen past the largest amount
    [InlineData(null)]
    public void TryParse_refuses_anything_not_kept_to_the_fen(string? text)
    {
        Assert.False(Money.TryParse(text, out var parsed));
        Assert.Equal(Money.Zero, parsed);
    }

    [Fact]
    public void Parse_says_why_a_third_decimal_is_refused()
    {
        var e = Assert.Throws<FormatException>(() => Money.Parse("1.234"));

        Assert.Contains("money is kept to the fen (two decimals)", e.Message, StringComparison.Ordinal);
        Assert.Throws<FormatException>(() => Money.Parse("one yuan"));
    }

    private sealed record Payment(string Payer, Money Amount, Money? Deposit);

    [Fact]
    public void Json_writes_a_number_in_yuan_with_two_decimals()
    {
        Assert.Equal("1234.50", JsonSerializer.Serialize(Money.FromFen(123450)));
        Assert.Equal("-0.01", JsonSerializer.Serialize(Money.FromFen(-1)));
        Assert.Equal("0.00", JsonSerializer.Serialize(Money.Zero));
        Assert.Equal(
            """{"Payer":"A","Amount":1234567.89,"Deposit":null}""",
            JsonSerializer.Serialize(new Payment("A", Money.FromFen(123456789), null)));
    }

    [Theory]
    [InlineData("1234.5", 123450L)]
    [InlineData("1234.50", 123450L)]
    [InlineData("1234", 123400L)]
    [InlineData("-0.01", -1L)]
    [InlineData("1e3", 100000L)]
    [InlineData("\"1234.56\"", 123456L)]
    [InlineData("\"¥1,234.56\"", 123456L)]
    public void Json_reads_a_number_or_a_string_in_yuan(string json, long fen)
    {
        Assert.Equal(Money.FromFen(fen), JsonSerializer.Deserialize<Money>(json));
    }

    [Theory]
    [InlineData("1.234")]
    [InlineData("1.230")]
    [InlineData("1e-3")]
    [InlineData("\"1.234\"")]
    public void Json_refuses_more_than_two_decimals(string json)
    {
        var e = Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Money>(json));

        Assert.Contains("money is kept to the fen (two decimals)", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("null")]
    [InlineData("\"abc\"")]
    [InlineData("1e30")]
    public void Json_refuses_what_is_not_an_amount(string json)
    {
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<Money>(json));
    }

    [Fact]
    public void Json_reads_an_amount_inside_an_object_and_a_missing_optional_one()
    {
        var payment = JsonSerializer.Deserialize<Payment>("""{"Payer":"A","Amount":"¥12.30","Deposit":null}""");

        Assert.Equal(new Payment("A", Money.FromFen(1230), null), payment);
    }
}
