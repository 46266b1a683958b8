using LandRedevelopment.Finance;
using System.Numerics;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;

namespace LandRedevelopment.Shared.Tests.Finance;

public class MoneyPropertyTests
{
    // Any long, with the extremes and small amounts (where the fen left over matter most) well represented.
    private static readonly Gen<long> AnyFen = Gen.OneOf(
        Gen.Choose(-100_000, 100_000).Select(i => (long)i),
        Gen.Zip(Gen.Choose(int.MinValue, int.MaxValue), Gen.Choose(int.MinValue, int.MaxValue))
            .Select(t => ((long)t.Item1 << 32) | (uint)t.Item2),
        Gen.Elements(long.MinValue, long.MinValue + 1, long.MaxValue, -1L, 0L, 1L));

    // Amounts small enough that no share can overflow and the exact check below stays cheap.
    private static readonly Gen<long> AllocatableFen = Gen.OneOf(
        Gen.Choose(-10_000, 10_000).Select(i => (long)i),
        Gen.Zip(Gen.Choose(-1_000_000, 1_000_000), Gen.Choose(0, 999_999)).Select(t => (long)t.Item1 * 1_000_000 + t.Item2));

    // Up to four decimals, so that weight × 10,000 is a whole number in the exact check.
    // One weight in four is zero, which a schedule may well have.
    private static readonly Gen<decimal> Weight =
        from units in Gen.Choose(0, 100_000)
        from scale in Gen.Choose(0, 4)
        from zero in Gen.Choose(0, 3)
        select zero == 0 ? 0m : new decimal(units, 0, 0, false, (byte)scale);

    private static readonly Gen<decimal[]> Weights =
        Gen.Choose(1, 12).SelectMany(n => Gen.ArrayOf(Weight, n)).Where(ws => ws.Any(w => w > 0));

    // A few distinct weights repeated, so that equal weights are common.
    private static readonly Gen<decimal[]> WeightsWithRepeats =
        Gen.Zip(Gen.ArrayOf(Weight.Where(w => w > 0), 3), Gen.Choose(2, 12))
            .SelectMany(t => Gen.ArrayOf(Gen.Elements(t.Item1), t.Item2));

    private static readonly Gen<(long Fen, decimal[] Weights)> Allocation =
        Gen.Zip(AllocatableFen, Gen.OneOf(Weights, WeightsWithRepeats));

    [Fact]
    public void Allocate_shares_always_add_up_to_the_amount() =>
        PropertyCheck.ForAll(Allocation, a =>
        {
            var amount = Money.FromFen(a.Fen);
            var shares = amount.Allocate(a.Weights);

            Assert.Equal(a.Weights.Length, shares.Count);
            Assert.Equal(amount, Money.Sum(shares));
        }, maxTest: 2000);

    [Fact]
    public void Allocate_puts_each_share_within_one_fen_of_its_exact_proportion() =>
        PropertyCheck.ForAll(Allocation, a =>
        {
            var shares = Money.FromFen(a.Fen).Allocate(a.Weights);
            var scaled = a.Weights.Select(w => new BigInteger(w * 10_000m)).ToArray();
            var total = scaled.Aggregate(BigInteger.Zero, (x, y) => x + y);

            for (var i = 0; i < shares.Count; i++)
            {
                // |share − fen × w / W| < 1, multiplied through by W to stay exact.
                var error = BigInteger.Abs(shares[i].Fen * total - a.Fen * scaled[i]);
                Assert.True(error < total, $"share {i} is {shares[i]}, a fen or more from its exact proportion");
            }
        }, maxTest: 2000);

    [Fact]
    public void Allocate_never_gives_a_later_share_more_than_an_earlier_one_of_equal_weight() =>
        PropertyCheck.ForAll(Allocation, a =>
        {
            var shares = Money.FromFen(a.Fen).Allocate(a.Weights);

            for (var i = 0; i < shares.Count; i++)
            {
                for (var j = i + 1; j < shares.Count; j++)
                {
                    if (a.Weights[i] == a.Weights[j])
                    {
                        // In size: the earlier share is the same or one fen larger.
                        var difference = Math.Abs(shares[i].Fen) - Math.Abs(shares[j].Fen);
                        Assert.InRange(difference, 0, 1);
                    }
                }
            }
        }, maxTest: 2000);

    [Fact]
    public void Allocate_of_a_negative_amount_mirrors_the_positive_one() =>
        PropertyCheck.ForAll(Allocation, a =>
        {
            var positive = Money.FromFen(a.Fen).Allocate(a.Weights);
            var negative = (-Money.FromFen(a.Fen)).Allocate(a.Weights);

            Assert.Equal(positive.Select(s => -s), negative);
        });

    [Fact]
    public void Fen_and_yuan_round_trip() =>
        PropertyCheck.ForAll(AnyFen, fen =>
        {
            var amount = Money.FromFen(fen);

            Assert.Equal(amount, Money.FromYuan(amount.Yuan));
            Assert.Equal(amount, Money.RoundFromYuan(amount.Yuan));
            Assert.Equal(fen, amount.Fen);
        }, maxTest: 2000);

    [Fact]
    public void Text_round_trips() =>
        PropertyCheck.ForAll(AnyFen, fen =>
        {
            var amount = Money.FromFen(fen);

            Assert.Equal(amount, Money.Parse(amount.ToString()));
        }, maxTest: 2000);

    [Fact]
    public void Json_round_trips_with_two_decimals() =>
        PropertyCheck.ForAll(AnyFen, fen =>
        {
            var amount = Money.FromFen(fen);
            var json = JsonSerializer.Serialize(amount);

            Assert.Matches(@"^-?[0-9]+\.[0-9]{2}$", json);
            Assert.Equal(amount, JsonSerializer.Deserialize<Money>(json));
        }, maxTest: 2000);

    [Fact]
    public void Multiply_by_one_is_the_identity_and_by_minus_one_the_negation() =>
        PropertyCheck.ForAll(AnyFen.Where(f => f != long.MinValue), fen =>
        {
            var amount = Money.FromFen(fen);

            Assert.Equal(amount, amount.Multiply(1m));
            Assert.Equal(-amount, amount.Multiply(-1m));
        });

    [Fact]
    public void Multiply_is_within_half_a_fen_of_the_exact_product() =>
        PropertyCheck.ForAll(Gen.Zip(AllocatableFen, Weight), t =>
        {
            var product = Money.FromFen(t.Item1).Multiply(t.Item2);
            var exact = t.Item1 * t.Item2; // small enough to be exact in decimal

            Assert.InRange(Math.Abs(product.Fen - exact), 0m, 0.5m);
        });
}
