namespace LandRedevelopment.Geometry;

/// <summary>A point in CGCS2000 geographic coordinates, in decimal degrees.</summary>
/// <param name="Longitude">Degrees east, in [-180, 180].</param>
/// <param name="Latitude">Degrees north, in [-90, 90].</param>
public readonly record struct GeoPoint(double Longitude, double Latitude);

/// <summary>The bounding box of a geometry in CGCS2000 geographic coordinates, in decimal degrees.</summary>
/// <param name="MinLongitude">The westernmost longitude.</param>
/// <param name="MinLatitude">The southernmost latitude.</param>
/// <param name="MaxLongitude">The easternmost longitude.</param>
/// <param name="MaxLatitude">The northernmost latitude.</param>
public readonly record struct GeoEnvelope(double MinLongitude, double MinLatitude, double MaxLongitude, double MaxLatitude)
{
    /// <summary>Whether the two boxes share at least a point.</summary>
    public bool Intersects(GeoEnvelope other) =>
        MinLongitude <= other.MaxLongitude && other.MinLongitude <= MaxLongitude
        && MinLatitude <= other.MaxLatitude && other.MinLatitude <= MaxLatitude;
}
