using System.Globalization;
using System.Text;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// Parcel geometries a survey must refuse, as raw GeoJSON text around a point: self-intersecting, unclosed, too few or
/// too many vertices, NaN / ∞ / out-of-range coordinates, holes outside or across the shell, overlapping multipolygon
/// parts, and shapes that are not polygons at all.
/// </summary>
public static class HostileGeometry
{
    public static readonly string[] Kinds =
    [
        "bow-tie", "figure eight with a crossing edge", "unclosed ring", "too few positions", "all one point", "collinear (no area)", "spike",
        "NaN literal", "Infinity literal", "NaN as a string", "overflowing coordinate", "longitude out of range", "latitude out of range",
        "hole outside the shell", "hole crossing the shell", "overlapping multipolygon parts", "multipolygon with a bow-tie part",
        "not a polygon type", "lower-case type", "no type", "coordinates one level too shallow", "position with one number", "empty coordinates",
        "empty ring", "coordinates as a string", "too many vertices",
    ];

    /// <summary>A geometry of <paramref name="kind"/> near (<paramref name="lon"/>, <paramref name="lat"/>), randomly placed and sized.</summary>
    public static string Make(string kind, double lon, double lat, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var s = 0.0005 + random.NextDouble() * 0.003;
        var x0 = lon + (random.NextDouble() - 0.5) * 0.5;
        var y0 = lat + (random.NextDouble() - 0.5) * 0.5;
        string P(double dx, double dy) => $"[{N(x0 + dx * s)},{N(y0 + dy * s)}]";
        string Ring(params (double X, double Y)[] points) => "[" + string.Join(",", points.Select(p => P(p.X, p.Y))) + "]";
        string Poly(params string[] rings) => "{\"type\":\"Polygon\",\"coordinates\":[" + string.Join(",", rings) + "]}";
        var square = Ring((0, 0), (1, 0), (1, 1), (0, 1), (0, 0));
        return kind switch
        {
            "bow-tie" => Poly(Ring((0, 0), (1, 1), (1, 0), (0, 1), (0, 0))),
            "figure eight with a crossing edge" => Poly(Ring((0, 0), (2, 0), (2, 2), (1, -1), (0, 2), (0, 0))),
            "unclosed ring" => Poly(Ring((0, 0), (1, 0), (1, 1), (0, 1))),
            "too few positions" => Poly(Ring((0, 0), (1, 0), (0, 0))),
            "all one point" => Poly(Ring((0, 0), (0, 0), (0, 0), (0, 0))),
            "collinear (no area)" => Poly(Ring((0, 0), (1, 0), (2, 0), (0, 0))),
            "spike" => Poly(Ring((0, 0), (2, 0), (2, 2), (1, 2), (1, 3), (1, 2), (0, 2), (0, 0))),
            "NaN literal" => Poly(square).Replace(N(x0 + s), "NaN", StringComparison.Ordinal),
            "Infinity literal" => Poly(square).Replace(N(y0 + s), random.Next(2) == 0 ? "Infinity" : "-Infinity", StringComparison.Ordinal),
            "NaN as a string" => Poly(square).Replace(N(x0 + s), "\"NaN\"", StringComparison.Ordinal),
            "overflowing coordinate" => Poly(square).Replace(N(x0 + s), random.Next(2) == 0 ? "1e309" : "-1e400", StringComparison.Ordinal),
            "longitude out of range" => Poly(square).Replace(N(x0), N(180.0001 + random.NextDouble() * 1e6), StringComparison.Ordinal),
            "latitude out of range" => Poly(square).Replace(N(y0), N(-90.0001 - random.NextDouble() * 100), StringComparison.Ordinal),
            "hole outside the shell" => Poly(square, Ring((5, 5), (6, 5), (6, 6), (5, 6), (5, 5))),
            "hole crossing the shell" => Poly(square, Ring((0.5, 0.5), (1.5, 0.5), (1.5, 0.8), (0.5, 0.8), (0.5, 0.5))),
            "overlapping multipolygon parts" => "{\"type\":\"MultiPolygon\",\"coordinates\":[[" + square + "],[" + Ring((0.5, 0.5), (1.5, 0.5), (1.5, 1.5), (0.5, 1.5), (0.5, 0.5)) + "]]}",
            "multipolygon with a bow-tie part" => "{\"type\":\"MultiPolygon\",\"coordinates\":[[" + square + "],[" + Ring((3, 0), (4, 1), (4, 0), (3, 1), (3, 0)) + "]]}",
            "not a polygon type" => "{\"type\":\"" + new[] { "Point", "LineString", "GeometryCollection", "Feature", "MultiLineString" }[random.Next(5)] + "\",\"coordinates\":[" + square + "]}",
            "lower-case type" => "{\"type\":\"polygon\",\"coordinates\":[" + square + "]}",
            "no type" => "{\"coordinates\":[" + square + "]}",
            "coordinates one level too shallow" => "{\"type\":\"Polygon\",\"coordinates\":" + square + "}",
            "position with one number" => Poly(square).Replace(P(1, 1), "[" + N(x0 + s) + "]", StringComparison.Ordinal),
            "empty coordinates" => "{\"type\":\"Polygon\",\"coordinates\":[]}",
            "empty ring" => "{\"type\":\"Polygon\",\"coordinates\":[[]]}",
            "coordinates as a string" => "{\"type\":\"Polygon\",\"coordinates\":\"" + square + "\"}",
            "too many vertices" => Poly(Circle(x0, y0, s, 10_001 + random.Next(3000))),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
    }

    /// <summary>A closed ring of <paramref name="vertices"/> distinct points on a circle: valid but for its size.</summary>
    private static string Circle(double x0, double y0, double radius, int vertices)
    {
        var text = new StringBuilder("[");
        for (var i = 0; i <= vertices; i++)
        {
            var a = 2 * Math.PI * (i % vertices) / vertices;
            text.Append(i == 0 ? "" : ",").Append('[').Append(N(x0 + radius * Math.Cos(a))).Append(',').Append(N(y0 + radius * Math.Sin(a))).Append(']');
        }

        return text.Append(']').ToString();
    }

    private static string N(double value) => Math.Round(value, 9).ToString("R", CultureInfo.InvariantCulture);
}
