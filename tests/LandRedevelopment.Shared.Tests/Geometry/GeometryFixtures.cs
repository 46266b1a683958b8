using System.Globalization;
using System.Text;
using System.Text.Json;
using LandRedevelopment.Geometry;

namespace LandRedevelopment.Shared.Tests.Geometry;

/// <summary>Builders for GeoJSON test parcels.</summary>
internal static class GeometryFixtures
{
    public static GeometryParseResult Parse(string json, int maxVertices = 1000)
    {
        using var document = JsonDocument.Parse(json);
        return ParcelGeometry.Parse(document.RootElement, maxVertices);
    }

    public static ParcelGeometry ParseValid(string json)
    {
        var result = Parse(json);
        Assert.True(result.Errors.Count == 0, string.Join("\n", result.Errors));
        return result.Geometry!;
    }

    public static string Polygon(params (double Lon, double Lat)[][] rings) =>
        $$"""{"type":"Polygon","coordinates":{{Rings(rings)}}}""";

    public static string Rings((double Lon, double Lat)[][] rings)
    {
        var text = new StringBuilder("[");
        for (var r = 0; r < rings.Length; r++)
        {
            text.Append(r == 0 ? "[" : ",[");
            text.AppendJoin(",", rings[r].Select(p => $"[{Num(p.Lon)},{Num(p.Lat)}]"));
            text.Append(']');
        }

        return text.Append(']').ToString();
    }

    /// <summary>A closed ring around an axis-aligned box in lon/lat, counter-clockwise unless asked otherwise.</summary>
    public static (double Lon, double Lat)[] Box(double west, double south, double east, double north, bool clockwise = false)
    {
        (double, double)[] ring = [(west, south), (east, south), (east, north), (west, north), (west, south)];
        return clockwise ? [.. ring.Reverse()] : ring;
    }

    /// <summary>
    /// A closed ring around a rectangle given in metres of a Gauss-Krüger zone, taken to lon/lat by the inverse
    /// projection, counter-clockwise.
    /// </summary>
    public static (double Lon, double Lat)[] MetreBox(int zone, double west, double south, double east, double north)
    {
        var gk = GaussKruger.For(zone);
        (double, double) At(double e, double n) => gk.Inverse(e, n);
        return [At(west, south), At(east, south), At(east, north), At(west, north), At(west, south)];
    }

    public static string Num(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
