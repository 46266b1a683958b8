using System.Text.Json;
using System.Text.Json.Nodes;
using NetTopologySuite.Algorithm;
using NetTopologySuite.Geometries;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace LandRedevelopment.Geometry;

/// <summary>
/// The boundary of a surveyed parcel: a valid polygon or multipolygon in CGCS2000 longitude/latitude, with
/// its area measured the way a Chinese land registry measures it.
/// </summary>
/// <remarks>
/// <para>
/// Instances are immutable and only made from checked GeoJSON (<see cref="Parse"/>, <see cref="FromGeoJson"/>),
/// so a <see cref="ParcelGeometry"/> is always topologically valid (no self-intersections, holes inside their
/// shell) with exterior rings counter-clockwise and holes clockwise, as RFC 7946 recommends.
/// </para>
/// <para>
/// Areas are planar areas in the CGCS2000 3° Gauss-Krüger zone of the parcel's centroid (central meridian
/// 3° × round(lon / 3), transverse Mercator, k0 = 1, false easting 500 000 m): the coordinates surveyors and
/// registries use, so the figure matches theirs. Within a zone the projection enlarges areas by at most about
/// 0.07 % (at the zone edge, 1.5° from the central meridian, near the equator); a parcel spanning several
/// zones is still measured in one, and is distorted more.
/// </para>
/// <para>
/// Rounding: <see cref="AreaM2"/> is rounded to 0.01 m² and <see cref="AreaMu"/> to 0.0001 mu, both half away
/// from zero (四舍五入). The mu figure is computed from the rounded square metres (m² × 15 / 10 000), so the two
/// figures printed side by side always agree with each other.
/// </para>
/// </remarks>
public sealed class ParcelGeometry
{
    /// <summary>The SRID of CGCS2000 geographic coordinates (EPSG:4490), carried by <see cref="Geometry"/>.</summary>
    public const int Cgcs2000Srid = 4490;

    /// <summary>Square metres in one mu (亩): 10 000 / 15.</summary>
    public const decimal SquareMetresPerMu = 10000m / 15m;

    /// <summary>The decimal places of longitudes and latitudes written by <see cref="ToGeoJson"/>: 1e-8° is about 1 mm.</summary>
    public const int CoordinateDecimals = 8;

    private const string DefaultPath = "$.parcel.geometry";

    // A floating precision model: snapping to a grid here would move surveyed vertices.
    internal static readonly GeometryFactory Factory = new(new PrecisionModel(), Cgcs2000Srid);

    private readonly NtsGeometry _geometry;
    private readonly NtsGeometry _projected;

    private ParcelGeometry(NtsGeometry geometry)
    {
        _geometry = geometry;
        var centroid = geometry.Centroid;
        Centroid = new GeoPoint(centroid.X, centroid.Y);
        var envelope = geometry.EnvelopeInternal;
        Envelope = new GeoEnvelope(envelope.MinX, envelope.MinY, envelope.MaxX, envelope.MaxY);
        GaussKrugerZone = GaussKruger.ZoneOf(Centroid.Longitude);
        _projected = GaussKruger.For(GaussKrugerZone).Project(geometry);

        // NTS caches envelopes lazily; computing them now keeps later concurrent reads (overlap checks
        // against a shared instance) free of even a benign race.
        _ = geometry.EnvelopeInternal;
        _ = _projected.EnvelopeInternal;
        AreaM2 = RoundM2(_projected.Area);
        // 15 / 10 000 is exactly 0.0015; multiplying (rather than dividing) keeps the scale, so the figure always
        // prints with four decimals.
        AreaMu = decimal.Round(AreaM2 * 0.0015m, 4, MidpointRounding.AwayFromZero);
        VertexCount = CountVertices(geometry);
    }

    /// <summary>
    /// A copy of the geometry: a <see cref="Polygon"/> or <see cref="MultiPolygon"/> in longitude/latitude
    /// (x = longitude, y = latitude), SRID 4490. A copy because NTS geometries are mutable.
    /// </summary>
    public NtsGeometry Geometry => _geometry.Copy();

    /// <summary>Whether the parcel was given as a MultiPolygon (several separate pieces) rather than a Polygon.</summary>
    public bool IsMultiPolygon => _geometry is MultiPolygon;

    /// <summary>The area in square metres in the parcel's Gauss-Krüger zone, rounded to 0.01 m².</summary>
    public decimal AreaM2 { get; }

    /// <summary>The area in mu (亩, 1 mu = 10 000 / 15 m²): <see cref="AreaM2"/> × 15 / 10 000, rounded to 0.0001 mu.</summary>
    public decimal AreaMu { get; }

    /// <summary>
    /// The CGCS2000 3° Gauss-Krüger zone of the centroid, 1 to 120 (e.g. 29 for 87°E, central meridian 87°E).
    /// </summary>
    public int GaussKrugerZone { get; }

    /// <summary>The central meridian of <see cref="GaussKrugerZone"/> in degrees (3° × zone).</summary>
    public double CentralMeridian => GaussKruger.CentralMeridianOf(GaussKrugerZone);

    /// <summary>The bounding box in longitude/latitude.</summary>
    public GeoEnvelope Envelope { get; }

    /// <summary>
    /// The centroid of the polygon(s), computed in longitude/latitude; used to choose the zone, for which
    /// treating degrees as planar is far more precise than needed.
    /// </summary>
    public GeoPoint Centroid { get; }

    /// <summary>The number of vertices: all positions of all rings, not counting each ring's closing repeat of its first position.</summary>
    public int VertexCount { get; }

    /// <summary>
    /// Reads a GeoJSON Polygon or MultiPolygon, reporting every problem with its JSON path.
    /// </summary>
    /// <param name="geometry">The GeoJSON geometry object.</param>
    /// <param name="maxVertices">The most vertices allowed (counted as in <see cref="VertexCount"/>).</param>
    /// <param name="path">The JSON path of <paramref name="geometry"/> in the request, used as the prefix of error paths.</param>
    /// <returns>
    /// The geometry, or every error found (at most 100 are listed). Structural errors (type, members,
    /// positions, rings, vertex count) are all collected; the topological check (self-intersections, holes
    /// outside their shell, overlapping pieces) runs only on a geometry without them, and reports one error at
    /// <paramref name="path"/> naming the reason and where.
    /// </returns>
    /// <remarks>
    /// Rings may be given in either orientation (RFC 7946 only says SHOULD); the result is normalised to
    /// exterior counter-clockwise, holes clockwise. Altitudes are allowed and dropped.
    /// </remarks>
    public static GeometryParseResult Parse(JsonElement geometry, int maxVertices, string path = DefaultPath)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxVertices);
        ArgumentNullException.ThrowIfNull(path);
        var (read, errors) = GeoJsonPolygonReader.Read(geometry, maxVertices, path, Factory);
        return read is null
            ? new GeometryParseResult(null, errors)
            : new GeometryParseResult(new ParcelGeometry(Orient(read)), []);
    }

    /// <summary>Reads a geometry stored by <see cref="ToGeoJsonString"/> (or any valid GeoJSON Polygon or MultiPolygon).</summary>
    /// <exception cref="FormatException"><paramref name="geoJson"/> is not JSON or not a valid Polygon or MultiPolygon.</exception>
    public static ParcelGeometry FromGeoJson(string geoJson)
    {
        ArgumentNullException.ThrowIfNull(geoJson);
        try
        {
            using var document = JsonDocument.Parse(geoJson);
            var result = Parse(document.RootElement, int.MaxValue, "$");
            return result.Geometry
                ?? throw new FormatException($"The stored parcel geometry is not valid: {string.Join("; ", result.Errors)}");
        }
        catch (JsonException e)
        {
            throw new FormatException($"The stored parcel geometry is not JSON: {e.Message}", e);
        }
    }

    /// <summary>
    /// The geometry as a GeoJSON object (RFC 7946: exterior rings counter-clockwise, holes clockwise),
    /// coordinates rounded to 1e-8° (about 1 mm), without altitudes or bbox.
    /// </summary>
    /// <remarks>
    /// The rounding moves vertices by up to about 0.6 mm, so a parcel read back with <see cref="FromGeoJson"/>
    /// may differ in area by a few hundredths of a square metre on a large parcel.
    /// </remarks>
    public JsonObject ToGeoJson() => _geometry switch
    {
        Polygon polygon => new JsonObject
        {
            ["type"] = "Polygon",
            ["coordinates"] = PolygonCoordinates(polygon),
        },
        MultiPolygon multi => new JsonObject
        {
            ["type"] = "MultiPolygon",
            ["coordinates"] = new JsonArray([.. multi.Geometries.Cast<Polygon>().Select(PolygonCoordinates)]),
        },
        _ => throw new InvalidOperationException($"A parcel geometry is a Polygon or MultiPolygon, not {_geometry.GeometryType}."),
    };

    /// <summary><see cref="ToGeoJson"/> as compact JSON text, the form to store.</summary>
    public string ToGeoJsonString() => ToGeoJson().ToJsonString();

    /// <inheritdoc />
    public override string ToString() =>
        $"{_geometry.GeometryType} of {VertexCount} vertices, {AreaM2} m² in Gauss-Krüger zone {GaussKrugerZone}";

    /// <summary>The geometry in metres of Gauss-Krüger <paramref name="zone"/> (a shared instance for its own zone: do not mutate).</summary>
    internal NtsGeometry ProjectedTo(int zone) =>
        zone == GaussKrugerZone ? _projected : GaussKruger.For(zone).Project(_geometry);

    // Adding 0.00 gives a whole number of square metres the scale of two decimals too, so figures print alike.
    internal static decimal RoundM2(double squareMetres) =>
        decimal.Round((decimal)squareMetres, 2, MidpointRounding.AwayFromZero) + 0.00m;

    private static JsonArray PolygonCoordinates(Polygon polygon)
    {
        var rings = new JsonArray { RingCoordinates(polygon.Shell) };
        foreach (var hole in polygon.Holes)
        {
            rings.Add(RingCoordinates(hole));
        }

        return rings;
    }

    private static JsonArray RingCoordinates(LineString ring)
    {
        var positions = new JsonArray();
        var sequence = ring.CoordinateSequence;
        for (var i = 0; i < sequence.Count; i++)
        {
            positions.Add(new JsonArray(Round(sequence.GetX(i)), Round(sequence.GetY(i))));
        }

        return positions;

        static JsonNode Round(double degrees) =>
            JsonValue.Create(Math.Round(degrees, CoordinateDecimals, MidpointRounding.AwayFromZero));
    }

    private static NtsGeometry Orient(NtsGeometry geometry) => geometry switch
    {
        Polygon polygon => Orient(polygon),
        MultiPolygon multi => Factory.CreateMultiPolygon([.. multi.Geometries.Cast<Polygon>().Select(Orient)]),
        _ => throw new InvalidOperationException($"A parcel geometry is a Polygon or MultiPolygon, not {geometry.GeometryType}."),
    };

    // Only called on valid polygons, whose rings have a well-defined orientation.
    private static Polygon Orient(Polygon polygon) => Factory.CreatePolygon(
        Oriented(polygon.Shell, counterClockwise: true),
        [.. polygon.Holes.Select(h => Oriented(h, counterClockwise: false))]);

    private static LinearRing Oriented(LinearRing ring, bool counterClockwise) =>
        Orientation.IsCCW(ring.CoordinateSequence) == counterClockwise ? ring : (LinearRing)ring.Reverse();

    private static int CountVertices(NtsGeometry geometry)
    {
        var count = 0;
        for (var i = 0; i < geometry.NumGeometries; i++)
        {
            var polygon = (Polygon)geometry.GetGeometryN(i);
            count += polygon.Shell.NumPoints - 1;
            count += polygon.Holes.Sum(h => h.NumPoints - 1);
        }

        return count;
    }
}
