using System.Globalization;
using System.Text.Json;
using NetTopologySuite.Geometries;
using NetTopologySuite.Operation.Valid;
using NtsGeometry = NetTopologySuite.Geometries.Geometry;

namespace LandRedevelopment.Geometry;

/// <summary>
/// Reads a GeoJSON Polygon or MultiPolygon (RFC 7946) from a <see cref="JsonElement"/> by hand, so that every
/// problem can be reported with the JSON path of the value at fault rather than the first exception a
/// deserialiser throws.
/// </summary>
internal sealed class GeoJsonPolygonReader
{
    /// <summary>
    /// At most this many errors are listed: a garbled upload of thousands of vertices would otherwise produce
    /// a response far larger than the upload, and nobody reads past the first screenful.
    /// </summary>
    internal const int MaxErrors = 100;

    private const string PolygonType = "Polygon";
    private const string MultiPolygonType = "MultiPolygon";

    private readonly List<GeometryError> _errors = [];
    private readonly GeometryFactory _factory;

    private GeoJsonPolygonReader(GeometryFactory factory) => _factory = factory;

    /// <summary>Reads <paramref name="element"/>, returning the geometry (lon/lat, either ring orientation) or every error.</summary>
    public static (NtsGeometry? Geometry, IReadOnlyList<GeometryError> Errors) Read(
        JsonElement element, int maxVertices, string path, GeometryFactory factory)
    {
        var reader = new GeoJsonPolygonReader(factory);
        var geometry = reader.ReadGeometry(element, maxVertices, path);
        var errors = reader._errors;
        if (errors.Count > MaxErrors)
        {
            var dropped = errors.Count - MaxErrors;
            errors.RemoveRange(MaxErrors, dropped);
            errors.Add(new GeometryError(path, $"has {dropped} more error(s) not listed; only the first {MaxErrors} are reported"));
        }

        return (errors.Count == 0 ? geometry : null, errors);
    }

    private NtsGeometry? ReadGeometry(JsonElement element, int maxVertices, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            Error(path, $"must be a GeoJSON geometry object of type Polygon or MultiPolygon, not {Describe(element)}");
            return null;
        }

        JsonElement? type = null, coordinates = null, bbox = null;
        foreach (var member in element.EnumerateObject())
        {
            var memberPath = MemberPath(path, member.Name);
            ref var slot = ref type;
            switch (member.Name)
            {
                case "type":
                    break;
                case "coordinates":
                    slot = ref coordinates;
                    break;
                case "bbox":
                    slot = ref bbox;
                    break;
                default:
                    Error(memberPath, "is not a member of a GeoJSON Polygon or MultiPolygon; only type, coordinates and bbox are allowed");
                    continue;
            }

            if (slot is not null)
            {
                // JsonElement keeps duplicate names; which one a later reader would honour is undefined, so refuse.
                Error(memberPath, "appears more than once");
                continue;
            }

            slot = member.Value;
        }

        var kind = ReadType(type, MemberPath(path, "type"));
        if (bbox is { } box)
        {
            ReadBbox(box, MemberPath(path, "bbox"));
        }

        var coordinatesPath = MemberPath(path, "coordinates");
        if (coordinates is not { } coords)
        {
            Error(coordinatesPath, "is required");
            return null;
        }

        if (kind is null)
        {
            // Without a known type the expected nesting of coordinates is unknown, so checking them would only
            // produce misleading errors.
            return null;
        }

        // Counted before the positions are read so that the limit is reported even when a huge upload is also
        // full of bad positions and the error list is cut short.
        var vertices = CountVertices(coords, kind == MultiPolygonType);
        if (vertices > maxVertices)
        {
            Error(coordinatesPath, $"has {vertices} vertices; at most {maxVertices} are allowed");
        }

        NtsGeometry? geometry = kind == PolygonType
            ? ReadPolygon(coords, coordinatesPath)
            : ReadMultiPolygon(coords, coordinatesPath);

        if (geometry is null || _errors.Count > 0)
        {
            return null;
        }

        var validity = new IsValidOp(geometry).ValidationError;
        if (validity is not null)
        {
            var at = validity.Coordinate is { } c ? $" at [{Number(c.X)}, {Number(c.Y)}]" : string.Empty;
            Error(path, $"is not a valid {kind}: {validity.Message}{at}");
            return null;
        }

        return geometry;
    }

    private string? ReadType(JsonElement? type, string path)
    {
        if (type is not { } value)
        {
            Error(path, "is required and must be \"Polygon\" or \"MultiPolygon\"");
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error(path, $"must be the string \"Polygon\" or \"MultiPolygon\", not {Describe(value)}");
            return null;
        }

        var name = value.GetString();
        if (name is PolygonType or MultiPolygonType)
        {
            return name;
        }

        var hint = string.Equals(name, PolygonType, StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, MultiPolygonType, StringComparison.OrdinalIgnoreCase)
            ? " (GeoJSON type names are case-sensitive)"
            : "; a parcel is an area";
        Error(path, $"must be \"Polygon\" or \"MultiPolygon\", not \"{name}\"{hint}");
        return null;
    }

    private void ReadBbox(JsonElement bbox, string path)
    {
        // The box is optional and not used (the envelope is computed), but a malformed one still signals a
        // broken client, so its shape is checked.
        if (bbox.ValueKind != JsonValueKind.Array || bbox.GetArrayLength() is not (4 or 6))
        {
            Error(path, "must be an array of 4 numbers [west, south, east, north] (or 6 with altitudes)");
            return;
        }

        var i = 0;
        foreach (var item in bbox.EnumerateArray())
        {
            ReadNumber(item, ItemPath(path, i++), "a bounding-box value");
        }
    }

    private MultiPolygon? ReadMultiPolygon(JsonElement coordinates, string path)
    {
        if (coordinates.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"must be an array of polygons (each an array of linear rings), not {Describe(coordinates)}");
            return null;
        }

        if (coordinates.GetArrayLength() == 0)
        {
            Error(path, "must have at least one polygon");
            return null;
        }

        var polygons = new List<Polygon>();
        var complete = true;
        var i = 0;
        foreach (var item in coordinates.EnumerateArray())
        {
            var polygon = ReadPolygon(item, ItemPath(path, i++));
            if (polygon is null)
            {
                complete = false;
            }
            else
            {
                polygons.Add(polygon);
            }
        }

        return complete ? _factory.CreateMultiPolygon([.. polygons]) : null;
    }

    private Polygon? ReadPolygon(JsonElement coordinates, string path)
    {
        if (coordinates.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"must be an array of linear rings (each an array of positions), not {Describe(coordinates)}");
            return null;
        }

        if (coordinates.GetArrayLength() == 0)
        {
            Error(path, "must have at least one linear ring (the exterior ring)");
            return null;
        }

        var rings = new List<LinearRing>();
        var complete = true;
        var i = 0;
        foreach (var item in coordinates.EnumerateArray())
        {
            var ring = ReadRing(item, ItemPath(path, i++));
            if (ring is null)
            {
                complete = false;
            }
            else
            {
                rings.Add(ring);
            }
        }

        return complete ? _factory.CreatePolygon(rings[0], [.. rings.Skip(1)]) : null;
    }

    private LinearRing? ReadRing(JsonElement ring, string path)
    {
        if (ring.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"must be a linear ring (an array of positions), not {Describe(ring)}");
            return null;
        }

        var positions = new List<Coordinate>(ring.GetArrayLength());
        var complete = true;
        var i = 0;
        foreach (var item in ring.EnumerateArray())
        {
            var position = ReadPosition(item, ItemPath(path, i++));
            if (position is null)
            {
                complete = false;
            }
            else
            {
                positions.Add(position);
            }
        }

        var count = ring.GetArrayLength();
        if (count < 4)
        {
            Error(path, $"has {count} position(s); a linear ring needs at least 4 (three corners and the first repeated at the end)");
            complete = false;
        }

        // Only when every position was read: otherwise the comparison would be between the wrong positions.
        if (positions.Count == count && count >= 2)
        {
            var first = positions[0];
            var last = positions[^1];
            if (!first.Equals2D(last))
            {
                Error(path, $"is not closed: the last position [{Number(last.X)}, {Number(last.Y)}] must repeat the first [{Number(first.X)}, {Number(first.Y)}]");
                complete = false;
            }
        }

        return complete ? _factory.CreateLinearRing([.. positions]) : null;
    }

    private Coordinate? ReadPosition(JsonElement position, string path)
    {
        if (position.ValueKind != JsonValueKind.Array)
        {
            Error(path, $"must be a position [longitude, latitude], not {Describe(position)}");
            return null;
        }

        var length = position.GetArrayLength();
        if (length is < 2 or > 3)
        {
            Error(path, $"has {length} element(s); a position is [longitude, latitude] or [longitude, latitude, altitude]");
            return null;
        }

        var longitude = ReadNumber(position[0], ItemPath(path, 0), "the longitude");
        var latitude = ReadNumber(position[1], ItemPath(path, 1), "the latitude");
        if (length == 3)
        {
            // The altitude is allowed by RFC 7946 and ignored here, but it must still be a number.
            ReadNumber(position[2], ItemPath(path, 2), "the altitude");
        }

        var valid = longitude is not null && latitude is not null;
        if (longitude is { } lon && lon is < -180 or > 180)
        {
            Error(ItemPath(path, 0), $"longitude {Number(lon)} is outside [-180, 180]");
            valid = false;
        }

        if (latitude is { } lat && lat is < -90 or > 90)
        {
            var swapped = longitude is { } x && x is >= -90 and <= 90 && lat is >= -180 and <= 180
                ? " (GeoJSON puts the longitude first: [longitude, latitude])"
                : string.Empty;
            Error(ItemPath(path, 1), $"latitude {Number(lat)} is outside [-90, 90]{swapped}");
            valid = false;
        }

        return valid ? new Coordinate(longitude!.Value, latitude!.Value) : null;
    }

    private void Error(string path, string message) => _errors.Add(new GeometryError(path, message));

    private double? ReadNumber(JsonElement value, string path, string what)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            Error(path, $"must be a number ({what}), not {Describe(value)}");
            return null;
        }

        // TryGetDouble refuses numbers beyond the double range (e.g. 1e400) rather than returning infinity;
        // either way the value is not a usable coordinate.
        if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
        {
            Error(path, $"must be a finite number ({what}), not {value.GetRawText()}");
            return null;
        }

        return number;
    }

    private static int CountVertices(JsonElement coordinates, bool multi)
    {
        var count = 0;
        if (coordinates.ValueKind != JsonValueKind.Array)
        {
            return 0;
        }

        foreach (var item in coordinates.EnumerateArray())
        {
            if (multi)
            {
                count += CountVertices(item, multi: false);
            }
            else if (item.ValueKind == JsonValueKind.Array && item.GetArrayLength() > 0)
            {
                // The closing position repeats the first, so it is not another vertex of the parcel.
                count += item.GetArrayLength() - 1;
            }
        }

        return count;
    }

    internal static string MemberPath(string path, string name) =>
        IsIdentifier(name) ? $"{path}.{name}" : $"{path}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    internal static string ItemPath(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    internal static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
