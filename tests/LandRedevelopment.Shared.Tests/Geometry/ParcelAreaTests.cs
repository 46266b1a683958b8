using LandRedevelopment.Geometry;
using static LandRedevelopment.Shared.Tests.Geometry.GeometryFixtures;

namespace LandRedevelopment.Shared.Tests.Geometry;

public class ParcelAreaTests
{
    // Zone 28 (central meridian 84°E) metres near Karamay: about 84.9°E, 45.6°N.
    private const int KaramayZone = 28;
    private const double KaramayEasting = 570_000;
    private const double KaramayNorthing = 5_050_000;

    [Fact]
    public void The_reference_formula_gives_the_known_area_of_the_ellipsoid()
    {
        // GRS80 (whose a and f CGCS2000 shares to well below a millimetre) has a surface of 510 065 621.7 km².
        Assert.Equal(510_065_621.7, EllipsoidalArea.OfEllipsoid() / 1e6, 0.5);
    }

    [Theory]
    [InlineData(200, 150)]
    [InlineData(1000, 800)]
    [InlineData(30, 20)]
    public void A_rectangle_drawn_in_Gauss_Kruger_metres_measures_its_size(double width, double height)
    {
        var ring = MetreBox(KaramayZone, KaramayEasting, KaramayNorthing, KaramayEasting + width, KaramayNorthing + height);
        Assert.InRange(ring[0].Lon, 84.8, 85.0);
        Assert.InRange(ring[0].Lat, 45.5, 45.7);

        var parcel = ParseValid(Polygon(ring));

        Assert.Equal(KaramayZone, parcel.GaussKrugerZone);
        Assert.Equal(84.0, parcel.CentralMeridian);
        Assert.InRange((double)parcel.AreaM2, width * height - 0.01, width * height + 0.01);
    }

    [Fact]
    public void A_Karamay_rectangle_agrees_with_the_ellipsoidal_area_within_a_tenth_of_a_percent()
    {
        var ring = MetreBox(KaramayZone, KaramayEasting, KaramayNorthing, KaramayEasting + 200, KaramayNorthing + 150);
        var parcel = ParseValid(Polygon(ring));

        var reference = EllipsoidalArea.OfRing(ring);

        // 0.9° from the central meridian at 45.6°N the projection enlarges areas by about 0.012 %.
        Assert.InRange((double)parcel.AreaM2 / reference, 1.0, 1.001);
    }

    [Theory]
    [InlineData("Karamay", 84.90, 45.60, 28)]
    [InlineData("Urumqi", 87.60, 43.80, 29)]
    [InlineData("Zhongwei", 105.20, 37.50, 35)]
    [InlineData("Jiamusi", 130.30, 46.80, 43)]
    public void A_parcel_in_each_seed_city_is_measured_in_its_zone(string city, double lon, double lat, int zone)
    {
        // About 150 m × 220 m: a typical redevelopment parcel.
        var ring = Box(lon, lat, lon + 0.002, lat + 0.002);
        var parcel = ParseValid(Polygon(ring));

        Assert.True(zone == parcel.GaussKrugerZone, $"{city}: zone {parcel.GaussKrugerZone}");
        Assert.Equal(3.0 * zone, parcel.CentralMeridian);
        var ratio = (double)parcel.AreaM2 / EllipsoidalArea.OfRing(ring);
        Assert.True(ratio is >= 0.999 and <= 1.001, $"{city}: {parcel.AreaM2} m² is {ratio} of the ellipsoidal area");

        // Sharper: transverse Mercator enlarges areas by k² ≈ 1 + (Δλ·cos φ)² away from the central meridian
        // (the ellipsoid adds a factor 1 + η², under 1e-6 here), so the excess over the ellipsoidal area must
        // be that, which a wrong central meridian, ellipsoid or scale factor would break.
        var offset = (lon + 0.001 - 3.0 * zone) * Math.PI / 180 * Math.Cos((lat + 0.001) * Math.PI / 180);
        Assert.Equal(1 + offset * offset, ratio, 1e-5);
        Assert.Equal(decimal.Round(parcel.AreaM2 * 15m / 10000m, 4, MidpointRounding.AwayFromZero), parcel.AreaMu);
    }

    [Fact]
    public void On_the_central_meridian_the_projection_does_not_distort_area()
    {
        // The scale factor is exactly 1 on the central meridian, so this catches a wrong ellipsoid or k0,
        // which a 0.1 % tolerance elsewhere in the zone could hide.
        var ring = Box(86.999, 43.8, 87.001, 43.802);
        var parcel = ParseValid(Polygon(ring));

        Assert.Equal(29, parcel.GaussKrugerZone);
        Assert.InRange((double)parcel.AreaM2 / EllipsoidalArea.OfRing(ring), 0.99999, 1.00001);
    }

    [Fact]
    public void Mu_are_square_metres_times_15_over_10000()
    {
        var ring = MetreBox(KaramayZone, KaramayEasting, KaramayNorthing, KaramayEasting + 50, KaramayNorthing + 40);
        var parcel = ParseValid(Polygon(ring));

        Assert.Equal(2000.00m, parcel.AreaM2);
        Assert.Equal(3.0000m, parcel.AreaMu);
        Assert.Equal(2, parcel.AreaM2.Scale);
        Assert.Equal(4, parcel.AreaMu.Scale);
    }

    [Fact]
    public void A_hole_is_not_part_of_the_area()
    {
        var outer = MetreBox(KaramayZone, KaramayEasting, KaramayNorthing, KaramayEasting + 100, KaramayNorthing + 100);
        var hole = MetreBox(KaramayZone, KaramayEasting + 10, KaramayNorthing + 10, KaramayEasting + 30, KaramayNorthing + 40);
        var parcel = ParseValid(Polygon(outer, hole));

        Assert.InRange(parcel.AreaM2, 9399.99m, 9400.01m);
        Assert.Equal(8, parcel.VertexCount);
    }

    [Fact]
    public void The_pieces_of_a_multipolygon_add_up()
    {
        var first = MetreBox(KaramayZone, KaramayEasting, KaramayNorthing, KaramayEasting + 100, KaramayNorthing + 100);
        var second = MetreBox(KaramayZone, KaramayEasting + 200, KaramayNorthing, KaramayEasting + 250, KaramayNorthing + 100);
        var parcel = ParseValid($$"""{"type":"MultiPolygon","coordinates":[{{Rings([first])}},{{Rings([second])}}]}""");

        Assert.True(parcel.IsMultiPolygon);
        Assert.InRange(parcel.AreaM2, 14999.99m, 15000.01m);
        Assert.Equal(8, parcel.VertexCount);
    }

    [Fact]
    public void Envelope_centroid_and_vertex_count_describe_the_parcel()
    {
        var parcel = ParseValid(Polygon(Box(87.6, 43.8, 87.602, 43.801)));

        Assert.Equal(new GeoEnvelope(87.6, 43.8, 87.602, 43.801), parcel.Envelope);
        Assert.Equal(87.601, parcel.Centroid.Longitude, 9);
        Assert.Equal(43.8005, parcel.Centroid.Latitude, 9);
        Assert.Equal(4, parcel.VertexCount);
        Assert.Equal(ParcelGeometry.Cgcs2000Srid, parcel.Geometry.SRID);
    }

    [Fact]
    public void Areas_are_the_same_when_measured_concurrently()
    {
        // The zone transforms are cached and shared between requests, so they must not keep state between calls.
        var rings = Enumerable.Range(0, 200)
            .Select(i => Box(84.9 + (i % 4) * 15 + i * 1e-4, 40 + i % 7, 84.902 + (i % 4) * 15 + i * 1e-4, 40.002 + i % 7))
            .ToArray();
        var serial = rings.Select(r => ParseValid(Polygon(r)).AreaM2).ToArray();

        var parallel = new decimal[rings.Length];
        Parallel.For(0, rings.Length * 10, i => parallel[i % rings.Length] = ParseValid(Polygon(rings[i % rings.Length])).AreaM2);

        Assert.Equal(serial, parallel);
    }

    [Theory]
    [InlineData(87.0, 29)]
    [InlineData(85.5, 29)] // a zone boundary goes east
    [InlineData(85.49, 28)]
    [InlineData(84.9, 28)]
    [InlineData(130.3, 43)]
    [InlineData(180.0, 60)]
    [InlineData(0.5, 120)] // zones run 1..120 from 3°E; 0° is the meridian of zone 120
    [InlineData(-1.0, 120)]
    [InlineData(-3.0, 119)]
    public void The_zone_is_the_nearest_multiple_of_three_degrees(double longitude, int zone)
    {
        Assert.Equal(zone, GaussKruger.ZoneOf(longitude));
    }

    [Fact]
    public void A_stored_geometry_reads_back_with_the_same_area()
    {
        var ring = MetreBox(KaramayZone, KaramayEasting, KaramayNorthing, KaramayEasting + 200, KaramayNorthing + 150);
        var parcel = ParseValid(Polygon(ring));

        var stored = parcel.ToGeoJsonString();
        var reread = ParcelGeometry.FromGeoJson(stored);

        // 1e-8° rounding moves vertices by under a millimetre.
        Assert.InRange(reread.AreaM2 - parcel.AreaM2, -0.2m, 0.2m);
        Assert.Equal(stored, reread.ToGeoJsonString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"Point","coordinates":[84.9,45.6]}""")]
    public void A_broken_stored_geometry_is_a_format_error(string stored)
    {
        Assert.Throws<FormatException>(() => ParcelGeometry.FromGeoJson(stored));
    }
}
