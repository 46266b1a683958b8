using LandRedevelopment.Calendars;
using LandRedevelopment.Finance;
using LandRedevelopment.Payments;
using LandRedevelopment.Payments.Durable;
using LandRedevelopment.Review.Durable;

namespace LandRedevelopment.Shared.Tests.Payments;

/// <summary>
/// Which instalments have timers (<see cref="PaymentService.DesiredTimers"/>): every timer is a row of the one transaction a
/// payment transition writes, so only the next few instalments have theirs, and the rest follow as these are settled.
/// </summary>
public class InstalmentTimerWindowTests
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    // DesiredTimers reads nothing of the service's storage.
    private static readonly PaymentService Service = new(null!, null!, null!, new ReviewOptions(), TimeProvider.System);

    private static PaymentState Scheduled(IEnumerable<Instalment> instalments) => new()
    {
        Contract = PaymentTestKit.Signed(new DateOnly(2026, 1, 5)),
        ContractHash = "hash",
        Status = PaymentStatus.Scheduled,
        Schedule = new PaymentSchedule(new AmountDue(Money.FromFen(60_000_00), "appraisal-difference", false, "", ""), new DateOnly(2026, 1, 5),
            PlanKind.Requested, [.. instalments], ""),
    };

    private static Instalment Due(int number, int day) => new(number, Money.FromFen(1_000_00), new DateOnly(2026, 1, 5).AddDays(day));

    private static List<int> WithTimers(PaymentState state) =>
        [.. Service.DesiredTimers(state, Zone, new HolidayCalendar([], [])).Select(t => int.Parse(t.Key[(t.Key.LastIndexOf('-') + 1)..], System.Globalization.CultureInfo.InvariantCulture)).Distinct()];

    [Fact]
    public void Of_sixty_instalments_the_next_eight_have_their_reminder_and_due_timers()
    {
        var state = Scheduled(Enumerable.Range(1, 60).Select(n => Due(n, 12 * n)));

        var timers = Service.DesiredTimers(state, Zone, new HolidayCalendar([], []));

        Assert.Equal(2 * PaymentService.InstalmentsWithTimers, timers.Count);
        Assert.Equal(Enumerable.Range(1, PaymentService.InstalmentsWithTimers), WithTimers(state));
    }

    [Fact]
    public void Instalments_paid_or_fallen_due_make_room_for_the_next_and_the_earliest_due_come_first_whatever_their_order()
    {
        // Listed latest first; the first two have fallen overdue, the third is reminded (only its due timer is left).
        var state = Scheduled(Enumerable.Range(1, 20).Reverse().Select(n => Due(n, 12 * n))) with { Overdue = [1, 2], Reminded = [3] };

        Assert.Equal(Enumerable.Range(3, PaymentService.InstalmentsWithTimers), WithTimers(state).Order());
        Assert.Equal(2 * PaymentService.InstalmentsWithTimers - 1, Service.DesiredTimers(state, Zone, new HolidayCalendar([], [])).Count);
    }
}
