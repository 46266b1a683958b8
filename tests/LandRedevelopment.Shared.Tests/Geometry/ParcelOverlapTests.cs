using LandRedevelopment.Geometry;
using static LandRedevelopment.Shared.Tests.Geometry.GeometryFixtures;

namespace LandRedevelopment.Shared.Tests.Geometry;

public class ParcelOverlapTests
{
    // Zone 28 metres near Karamay; squares are drawn in metres so that the expected areas are exact.
    private const int Zone = 28;
    private const double E0 = 570_000;
    private const double N0 = 5_050_000;

    private static ParcelGeometry Metres(double west, double south, double east, double north) =>
        ParseValid(Polygon(MetreBox(Zone, E0 + west, N0 + south, E0 + east, N0 + north)));

    private static readonly ParcelGeometry Square = Metres(0, 0, 100, 100);

    [Fact]
    public void Squares_overlapping_by_a_10_by_100_metre_strip_overlap_by_1000_m2()
    {
        var other = Metres(90, 0, 190, 100);

        var result = ParcelOverlap.Overlaps(Square, other);

        Assert.True(result.Overlaps);
        Assert.InRange(result.OverlapAreaM2, 999.99m, 1000.01m);
        Assert.Equal(result, ParcelOverlap.Overlaps(other, Square));
    }

    [Fact]
    public void Squares_sharing_an_edge_do_not_overlap()
    {
        var result = ParcelOverlap.Overlaps(Square, Metres(100, 0, 200, 100));

        Assert.Equal(new OverlapResult(false, 0m), result);
    }

    [Fact]
    public void A_square_touching_part_of_an_edge_does_not_overlap()
    {
        // Its corners lie on the other square's edge only up to rounding in the projection, so this checks
        // that such a sliver measures nothing.
        var result = ParcelOverlap.Overlaps(Square, Metres(100, 20, 150, 60), minimumOverlapM2: 0m);

        Assert.False(result.Overlaps);
        Assert.Equal(0m, result.OverlapAreaM2);
    }

    [Fact]
    public void Squares_touching_at_a_corner_do_not_overlap()
    {
        var result = ParcelOverlap.Overlaps(Square, Metres(100, 100, 200, 200), minimumOverlapM2: 0m);

        Assert.Equal(new OverlapResult(false, 0m), result);
    }

    [Fact]
    public void Disjoint_squares_do_not_overlap()
    {
        Assert.Equal(new OverlapResult(false, 0m), ParcelOverlap.Overlaps(Square, Metres(300, 0, 400, 100)));

        // Far apart: rejected by the envelopes.
        var urumqi = ParseValid(Polygon(Box(87.6, 43.8, 87.601, 43.801)));
        Assert.Equal(OverlapResult.None, ParcelOverlap.Overlaps(Square, urumqi));
    }

    [Fact]
    public void A_square_inside_another_overlaps_by_its_whole_area()
    {
        var inner = Metres(20, 20, 40, 40);

        var result = ParcelOverlap.Overlaps(Square, inner);

        Assert.True(result.Overlaps);
        Assert.InRange(result.OverlapAreaM2, 399.99m, 400.01m);
        Assert.Equal(inner.AreaM2, ParcelOverlap.Overlaps(inner, Square).OverlapAreaM2);
    }

    [Fact]
    public void A_parcel_overlaps_itself_by_its_area()
    {
        var result = ParcelOverlap.Overlaps(Square, Square);

        Assert.True(result.Overlaps);
        Assert.Equal(Square.AreaM2, result.OverlapAreaM2);
    }

    [Fact]
    public void A_sliver_below_the_minimum_is_measured_but_does_not_count()
    {
        // 0.005 m × 100 m = 0.5 m²: survey noise between neighbours, not a dispute.
        var neighbour = Metres(99.995, 0, 200, 100);

        var result = ParcelOverlap.Overlaps(Square, neighbour);

        Assert.False(result.Overlaps);
        Assert.InRange(result.OverlapAreaM2, 0.49m, 0.51m);
        Assert.True(ParcelOverlap.Overlaps(Square, neighbour, minimumOverlapM2: 0.1m).Overlaps);
    }

    [Fact]
    public void A_negative_minimum_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ParcelOverlap.Overlaps(Square, Square, -1m));
    }
}
