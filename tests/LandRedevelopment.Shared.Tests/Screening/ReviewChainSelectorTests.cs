using LandRedevelopment.Calendars;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;
using static LandRedevelopment.Shared.Tests.Screening.Kit;

namespace LandRedevelopment.Shared.Tests.Screening;

public class ReviewChainSelectorTests
{
    private static ReviewChain Chain(string id, Rule? when = null) => new()
    {
        Id = id,
        Name = id,
        Source = "test",
        When = when,
        Steps = [new ReviewStep { Id = "s", Name = "s", Role = "city-bureau", Source = "test", TimeLimit = new TimeLimit { Period = new Period { WorkingDays = 5 } } }],
    };

    [Fact]
    public void The_first_chain_whose_condition_holds_is_chosen()
    {
        var chains = new[] { Chain("park", In("zone", "park")), Chain("green", Flag("greenChannel")), Chain("standard") };
        Assert.Equal("park", ReviewChainSelector.Select(chains, Parcel(zone: "park", attributes: ("greenChannel", true))).Id);
        Assert.Equal("green", ReviewChainSelector.Select(chains, Parcel(attributes: ("greenChannel", true))).Id);
    }

    [Fact]
    public void Otherwise_the_last_chain_without_a_condition()
    {
        var chains = new[] { Chain("early-default"), Chain("park", In("zone", "park")), Chain("standard") };
        Assert.Equal("standard", ReviewChainSelector.Select(chains, Parcel(zone: "elsewhere")).Id);
        // A condition over a missing fact does not hold.
        Assert.Equal("standard", ReviewChainSelector.Select(chains, Parcel(zone: null)).Id);
    }

    [Fact]
    public void Without_a_default_and_no_condition_holding_it_refuses()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ReviewChainSelector.Select([Chain("park", In("zone", "park"))], Parcel()));
        Assert.Contains("park", error.Message, StringComparison.Ordinal);
    }
}

public class RoleResolverTests
{
    [Fact]
    public void Replaces_the_district()
    {
        Assert.Equal("district-bureau:白碱滩区", RoleResolver.Resolve("district-bureau:{district}", "白碱滩区"));
        Assert.Equal("city-bureau", RoleResolver.Resolve("city-bureau", "白碱滩区"));
    }

    [Fact]
    public void Refuses_an_unresolvable_role()
    {
        Assert.Throws<FormatException>(() => RoleResolver.Resolve("park-committee:{zone}", "白碱滩区"));
        Assert.Throws<ArgumentException>(() => RoleResolver.Resolve("district-bureau:{district}", " "));
    }
}
