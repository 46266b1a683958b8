namespace LandRedevelopment.Shared.Tests.Geometry;

/// <summary>
/// An area reference independent of ProjNet and of transverse Mercator: the ellipsoidal Lambert cylindrical
/// equal-area projection (x = aλ, y = a q(φ) / 2, with q from the authalic latitude) on the CGCS2000
/// ellipsoid. The projection preserves area exactly, so the shoelace area of the projected vertices is the
/// ellipsoidal area of the polygon up to how its edges are drawn, which for small parcels is far below 0.1 %.
/// </summary>
internal static class EllipsoidalArea
{
    private const double A = 6378137.0;
    private const double InverseFlattening = 298.257222101;
    private static readonly double F = 1 / InverseFlattening;
    private static readonly double E2 = F * (2 - F);
    private static readonly double E = Math.Sqrt(E2);

    /// <summary>q(φ) of Snyder, Map Projections — A Working Manual, eq. 3-12.</summary>
    public static double Q(double latitudeDegrees)
    {
        var sin = Math.Sin(latitudeDegrees * Math.PI / 180);
        return (1 - E2) * (sin / (1 - E2 * sin * sin) - 1 / (2 * E) * Math.Log((1 - E * sin) / (1 + E * sin)));
    }

    /// <summary>The area of the whole ellipsoid, 2πa²·q(90°).</summary>
    public static double OfEllipsoid() => 2 * Math.PI * A * A * Q(90);

    /// <summary>The area in m² enclosed by a closed lon/lat ring (absolute value, either orientation).</summary>
    public static double OfRing(IReadOnlyList<(double Lon, double Lat)> ring)
    {
        var sum = 0.0;
        for (var i = 0; i + 1 < ring.Count; i++)
        {
            var (x1, y1) = Project(ring[i]);
            var (x2, y2) = Project(ring[i + 1]);
            sum += x1 * y2 - x2 * y1;
        }

        return Math.Abs(sum / 2);
    }

    private static (double X, double Y) Project((double Lon, double Lat) p) =>
        (A * p.Lon * Math.PI / 180, A * Q(p.Lat) / 2);
}
