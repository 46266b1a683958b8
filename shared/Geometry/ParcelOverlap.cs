using NetTopologySuite.Operation.Overlay;
using NetTopologySuite.Operation.OverlayNG;

namespace LandRedevelopment.Geometry;

/// <summary>Whether two parcels overlap, and by how much.</summary>
/// <param name="Overlaps">Whether the shared area exceeds the minimum asked for.</param>
/// <param name="OverlapAreaM2">
/// The shared area in square metres, in the Gauss-Krüger zone of the first parcel, rounded to 0.01 m²; reported
/// even when it is too small to count as an overlap, and 0 for parcels that only touch.
/// </param>
public readonly record struct OverlapResult(bool Overlaps, decimal OverlapAreaM2)
{
    /// <summary>No shared area at all.</summary>
    public static OverlapResult None => new(false, 0m);
}

/// <summary>Detects parcels that claim the same land.</summary>
public static class ParcelOverlap
{
    /// <summary>
    /// Whether <paramref name="a"/> and <paramref name="b"/> share more than <paramref name="minimumOverlapM2"/>
    /// of area.
    /// </summary>
    /// <remarks>
    /// Parcels that only touch along an edge or at a corner share no area and never overlap, whatever the
    /// minimum. The minimum (1 m² by default) absorbs survey noise: two neighbours surveyed separately rarely
    /// agree on their common boundary to the millimetre, and slivers that thin are not a dispute. The
    /// comparison is strictly greater, so that a minimum of 0 still leaves touching parcels apart. Both
    /// parcels are measured in the Gauss-Krüger zone of <paramref name="a"/>, so that
    /// <c>Overlaps(a, a)</c> reports exactly <c>a.AreaM2</c>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minimumOverlapM2"/> is negative.</exception>
    public static OverlapResult Overlaps(ParcelGeometry a, ParcelGeometry b, decimal minimumOverlapM2 = 1m)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentOutOfRangeException.ThrowIfNegative(minimumOverlapM2);

        // Cheap rejection first: most pairs checked against a city's parcels are far apart.
        if (!a.Envelope.Intersects(b.Envelope))
        {
            return OverlapResult.None;
        }

        var zone = a.GaussKrugerZone;
        var projectedA = a.ProjectedTo(zone);
        var projectedB = b.ProjectedTo(zone);

        // The robust overlay falls back to snapping instead of throwing on nearly coincident boundaries,
        // which is exactly what neighbouring surveys produce.
        var shared = OverlayNGRobust.Overlay(projectedA, projectedB, SpatialFunction.Intersection);
        var area = ParcelGeometry.RoundM2(shared.Area);
        return new OverlapResult(area > minimumOverlapM2, area);
    }
}
