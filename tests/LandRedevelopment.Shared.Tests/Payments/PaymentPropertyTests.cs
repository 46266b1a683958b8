using FsCheck;
using FsCheck.Fluent;
using LandRedevelopment.Calendars;
using LandRedevelopment.Finance;
using LandRedevelopment.Payments;
using LandRedevelopment.Policies;
using static LandRedevelopment.Shared.Tests.Payments.PaymentTestKit;

namespace LandRedevelopment.Shared.Tests.Payments;

public class PaymentPropertyTests
{
    private const long MaxFen = 1_000_000_000_000; // 10^10 yuan

    // 1 fen to 10^10 yuan, small amounts (where the left-over fen matter most) well represented.
    private static readonly Gen<long> DueFen = Gen.OneOf(
        Gen.Choose(1, 10_000).Select(i => (long)i),
        Gen.Zip(Gen.Choose(0, 1_000_000), Gen.Choose(0, 999_999)).Select(t => Math.Clamp((long)t.Item1 * 1_000_000 + t.Item2, 1, MaxFen)),
        Gen.Elements(1L, 3L, MaxFen - 1, MaxFen));

    private static readonly DateOnly Epoch = new(2000, 1, 1);

    private static readonly Gen<DateOnly> StartDay = Gen.Choose(0, 365 * 60).Select(Epoch.AddDays);

    // The plan is the subject here, not the consent or the kind of transfer it would need (see ConsentTests, TransferTests).
    private static readonly PolicyDocument KaramayWithDefaultPlan = Policy("karamay", rules => rules with
    {
        ConsentOf = null,
        OnlyFor = null,
        DefaultPlan =
        [
            new InstalmentTerm { Share = 0.3333m, DueWithin = Period.OfDays(0) },
            new InstalmentTerm { Share = 0.3333m, DueWithin = Period.OfMonths(6) },
            new InstalmentTerm { Rest = true, DueWithin = Period.OfYears(2) },
        ],
    });

    // Policies whose schedules are built: Karamay's lump sum, Zhongwei's fixed schedule, a default plan.
    private static readonly (PolicyDocument Policy, PlanKind Kind, int Count)[] Builders =
    [
        (Policy("karamay"), PlanKind.LumpSum, 1),
        (Policy("zhongwei"), PlanKind.Fixed, 3),
        (KaramayWithDefaultPlan, PlanKind.Default, 3),
    ];

    /// <summary>A contract whose amount due is exactly <paramref name="fen"/>: the full appraisal difference (share 1).</summary>
    private static ContractTerms Due(long fen, DateOnly signed, string basis = "appraisal-difference") =>
        Difference(basis, signed, Money.FromFen(fen).Yuan);

    [Fact]
    public void Built_schedules_add_up_to_the_amount_due_exactly() =>
        PropertyCheck.ForAll(from fen in DueFen from start in StartDay from builder in Gen.Elements(Builders) select (fen, start, builder), t =>
        {
            var (fen, start, builder) = t;
            var basis = builder.Policy.LandPrice.Bases.Single(b => b.Formula == PriceFormula.ShareOfAppraisalDifference).Id;

            var schedule = Valid(PaymentCalculator.Compute(builder.Policy, Due(fen, start, basis), HolidayCalendar.WeekendsOnly, landUse: "industrial"));

            Assert.Equal(Money.FromFen(fen), schedule.Due.Amount);

            Assert.Equal(builder.Kind, schedule.Plan);
            Assert.Equal(builder.Count, schedule.Instalments.Count);
            Assert.Equal(schedule.Due.Amount, Money.Sum(schedule.Instalments.Select(i => i.Amount)));
            Assert.All(schedule.Instalments, i => Assert.True(i.Amount >= Money.Zero));
            Assert.All(schedule.Instalments, i => Assert.True(i.DueOn >= start && HolidayCalendar.WeekendsOnly.IsWorkingDay(i.DueOn)));
            Assert.Equal(Enumerable.Range(1, builder.Count), schedule.Instalments.Select(i => i.Number));
        }, maxTest: 1000);

    [Fact]
    public void The_fixed_first_instalment_is_within_a_fen_of_20_percent_and_the_schedule_passes_its_own_check() =>
        PropertyCheck.ForAll(Gen.Zip(DueFen, StartDay), t =>
        {
            var contract = Due(t.Item1, t.Item2, "appraisal-difference-same-date");
            var schedule = Valid(Compute("zhongwei", contract));

            Assert.True(Math.Abs(schedule.Instalments[0].Amount.Fen - 0.2m * t.Item1) < 1m, $"first instalment {schedule.Instalments[0].Amount} of {Money.FromFen(t.Item1)}");

            // The built schedule, fixed by the contract as its own plan (less any ¥0.00 term of a tiny amount),
            // meets the cumulative minimums.
            var payments = schedule.Instalments.Where(i => i.Amount > Money.Zero).Select(i => new RequestedInstalment(i.Amount, i.DueOn)).ToList();
            Assert.Equal(payments, Valid(Compute("zhongwei", contract with { RequestedPlan = payments })).Instalments.Select(i => new RequestedInstalment(i.Amount, i.DueOn)));
        }, maxTest: 1000);

    // A plan under Karamay's rules (first ≥ 50 %, all within two years of taking effect): the first payment is
    // at least half (rounded up to the fen), the rest split in positive parts, due dates in order within two years.
    private static readonly Gen<(ContractTerms Contract, DateOnly Limit)> ValidPlan =
        from fen in DueFen
        from effective in StartDay
        from signedBefore in Gen.Choose(0, 60)
        from extraFirst in Gen.Choose(0, 1_000_000)
        from count in Gen.Choose(0, 6)
        from weights in Gen.ListOf(Gen.Choose(1, 100).Select(w => (decimal)w), count)
        from offsets in Gen.ArrayOf(Gen.Choose(0, 800), 7)
        select BuildPlan(fen, effective, signedBefore, extraFirst, weights, offsets);

    private static (ContractTerms Contract, DateOnly Limit) BuildPlan(long fen, DateOnly effective, int signedBefore, int extraFirst, IReadOnlyList<decimal> weights, int[] offsets)
    {
        // At least half, rounded up to the fen; everything when there is nothing to split the rest into.
        var first = weights.Count == 0 ? fen : Math.Min(fen, (fen + 1) / 2 + extraFirst);
        var rest = weights.Count == 0 ? [] : Money.FromFen(fen - first).Allocate(weights).Where(m => m > Money.Zero);
        var amounts = rest.Prepend(Money.FromFen(first)).ToList();

        var twoYears = effective.AddYears(2);
        var span = twoYears.DayNumber - effective.DayNumber;
        var dates = offsets.Take(amounts.Count).Select(o => effective.AddDays(o % (span + 1))).Order().ToList();

        var contract = (Due(fen, effective.AddDays(-signedBefore)) with
        {
            EffectiveOn = effective,
            RequestedPlan = amounts.Zip(dates, (a, d) => new RequestedInstalment(a, d)).ToList(),
        }).WithConsent().WithTransfer();
        return (contract, LegalPeriods.LastDay(effective, Period.OfYears(2), HolidayCalendar.WeekendsOnly));
    }

    [Fact]
    public void Valid_requested_plans_are_accepted_and_a_day_past_the_limit_is_refused() =>
        PropertyCheck.ForAll(ValidPlan, t =>
        {
            var (contract, limit) = t;
            var schedule = Valid(Compute("karamay", contract));
            Assert.Equal(PlanKind.Requested, schedule.Plan);
            Assert.Equal(contract.EffectiveOn, schedule.CountedFrom);

            var plan = contract.RequestedPlan!;
            var late = contract with { RequestedPlan = [.. plan.SkipLast(1), plan[^1] with { DueOn = limit.AddDays(1) }] };
            var violation = Assert.Single(Compute("karamay", late).Violations);
            Assert.Equal(("all-within", $"$.requestedPlan[{plan.Count - 1}].dueOn"), (violation.Rule, violation.Path));
        }, maxTest: 1000);

    // Month ends where the corresponding-day rule bites; years from 2000 to 2059.
    private static readonly Gen<DateOnly> MonthEndStart = Gen.Choose(0, 59).SelectMany(i => Gen.Elements(
        new DateOnly(2000 + i, 1, 31),
        new DateOnly(2000 + i, 8, 31),
        new DateOnly(2000 + 4 * (i / 4), 2, 29)));

    [Fact]
    public void Month_end_starts_give_month_end_correct_due_dates() =>
        PropertyCheck.ForAll(MonthEndStart, start =>
        {
            var schedule = Valid(Compute("zhongwei", Due(1_000_000, start, "appraisal-difference-same-date")));

            // Written out, not through LegalPeriods: one month on is that day of the next month, or its last day;
            // one year on is the same day next year, or Feb 28 for Feb 29; a weekend moves to Monday.
            var nextMonth = start.AddDays(1 - start.Day).AddMonths(1);
            var monthOn = new DateOnly(nextMonth.Year, nextMonth.Month, Math.Min(start.Day, DateTime.DaysInMonth(nextMonth.Year, nextMonth.Month)));
            var yearOn = new DateOnly(start.Year + 1, start.Month, Math.Min(start.Day, DateTime.DaysInMonth(start.Year + 1, start.Month)));
            Assert.Equal([ToMonday(start), ToMonday(monthOn), ToMonday(yearOn)], schedule.Instalments.Select(i => i.DueOn));

            Assert.Equal(start.Month switch { 1 => 2, 8 => 9, _ => 3 }, monthOn.Month);
            Assert.Equal(start.Month switch { 1 => DateTime.IsLeapYear(start.Year) ? 29 : 28, 8 => 30, _ => 29 }, monthOn.Day);
        }, maxTest: 300);

    private static DateOnly ToMonday(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => day.AddDays(2),
        DayOfWeek.Sunday => day.AddDays(1),
        _ => day,
    };
}
