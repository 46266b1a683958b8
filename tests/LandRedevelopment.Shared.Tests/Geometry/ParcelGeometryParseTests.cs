using System.Text.Json.Nodes;
using LandRedevelopment.Geometry;
using static LandRedevelopment.Shared.Tests.Geometry.GeometryFixtures;

namespace LandRedevelopment.Shared.Tests.Geometry;

public class ParcelGeometryParseTests
{
    private const string Root = "$.parcel.geometry";

    // A 0.001° square near Karamay, counter-clockwise, as JSON text.
    private const string Square = "[[84.9,45.6],[84.901,45.6],[84.901,45.601],[84.9,45.601],[84.9,45.6]]";

    private static GeometryError Single(GeometryParseResult result)
    {
        Assert.Null(result.Geometry);
        Assert.False(result.IsValid);
        return Assert.Single(result.Errors);
    }

    private static void HasError(GeometryParseResult result, string path, string messagePart)
    {
        Assert.Null(result.Geometry);
        Assert.True(
            result.Errors.Any(e => e.Path == path && e.Message.Contains(messagePart, StringComparison.Ordinal)),
            $"Expected an error at {path} containing \"{messagePart}\"; got:\n{string.Join("\n", result.Errors)}");
    }

    [Fact]
    public void A_valid_polygon_has_no_errors()
    {
        var result = Parse($$"""{"type":"Polygon","coordinates":[{{Square}}]}""");

        Assert.Empty(result.Errors);
        Assert.True(result.IsValid);
        Assert.Equal(4, result.Geometry!.VertexCount);
    }

    [Theory]
    [InlineData("[]", "not an array")]
    [InlineData("\"Polygon\"", "not a string")]
    [InlineData("null", "not null")]
    public void The_geometry_must_be_an_object(string json, string _)
    {
        var error = Single(Parse(json));

        Assert.Equal(Root, error.Path);
        Assert.StartsWith("must be a GeoJSON geometry object", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_point_is_not_a_parcel()
    {
        var error = Single(Parse("""{"type":"Point","coordinates":[84.9,45.6]}"""));

        Assert.Equal($"{Root}.type", error.Path);
        Assert.Equal("must be \"Polygon\" or \"MultiPolygon\", not \"Point\"; a parcel is an area", error.Message);
    }

    [Fact]
    public void Type_names_are_case_sensitive()
    {
        var error = Single(Parse($$"""{"type":"polygon","coordinates":[{{Square}}]}"""));

        Assert.Equal($"{Root}.type", error.Path);
        Assert.Contains("case-sensitive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Type_and_coordinates_are_required()
    {
        var result = Parse("""{}""");

        Assert.Equal(2, result.Errors.Count);
        HasError(result, $"{Root}.type", "is required");
        HasError(result, $"{Root}.coordinates", "is required");
    }

    [Fact]
    public void Type_must_be_a_string()
    {
        var error = Single(Parse($$"""{"type":7,"coordinates":[{{Square}}]}"""));

        Assert.Equal($"{Root}.type", error.Path);
        Assert.Equal("must be the string \"Polygon\" or \"MultiPolygon\", not a number", error.Message);
    }

    [Fact]
    public void Unknown_members_are_refused_but_bbox_is_allowed()
    {
        var result = Parse($$"""{"type":"Polygon","bbox":[84.9,45.6,84.901,45.601],"coordinates":[{{Square}}],"properties":{},"crs":null,"odd name":1}""");

        Assert.Equal(3, result.Errors.Count);
        HasError(result, $"{Root}.properties", "is not a member of a GeoJSON Polygon or MultiPolygon; only type, coordinates and bbox are allowed");
        HasError(result, $"{Root}.crs", "is not a member");
        HasError(result, $"{Root}['odd name']", "is not a member");
    }

    [Fact]
    public void A_malformed_bbox_is_reported()
    {
        var result = Parse($$"""{"type":"Polygon","bbox":[84.9,45.6,"x",45.601],"coordinates":[{{Square}}]}""");

        var error = Single(result);
        Assert.Equal($"{Root}.bbox[2]", error.Path);
        Assert.Equal("must be a number (a bounding-box value), not a string", error.Message);
        HasError(Parse($$"""{"type":"Polygon","bbox":[1,2,3],"coordinates":[{{Square}}]}"""), $"{Root}.bbox", "must be an array of 4 numbers");
    }

    [Fact]
    public void A_member_given_twice_is_refused()
    {
        var error = Single(Parse($$"""{"type":"Polygon","coordinates":[{{Square}}],"type":"Polygon"}"""));

        Assert.Equal($"{Root}.type", error.Path);
        Assert.Equal("appears more than once", error.Message);
    }

    [Fact]
    public void Coordinates_must_nest_rings_of_positions()
    {
        HasError(Parse("""{"type":"Polygon","coordinates":{}}"""), $"{Root}.coordinates", "must be an array of linear rings");
        HasError(Parse("""{"type":"Polygon","coordinates":[]}"""), $"{Root}.coordinates", "must have at least one linear ring");
        HasError(Parse("""{"type":"Polygon","coordinates":[7]}"""), $"{Root}.coordinates[0]", "must be a linear ring (an array of positions), not a number");
        HasError(Parse("""{"type":"MultiPolygon","coordinates":[]}"""), $"{Root}.coordinates", "must have at least one polygon");
        HasError(Parse("""{"type":"MultiPolygon","coordinates":"x"}"""), $"{Root}.coordinates", "must be an array of polygons");
    }

    [Fact]
    public void An_unclosed_ring_is_reported_at_the_ring()
    {
        var error = Single(Parse("""{"type":"Polygon","coordinates":[[[84.9,45.6],[84.901,45.6],[84.901,45.601],[84.9,45.601],[84.9,45.6001]]]}"""));

        Assert.Equal($"{Root}.coordinates[0]", error.Path);
        Assert.Equal("is not closed: the last position [84.9, 45.6001] must repeat the first [84.9, 45.6]", error.Message);
    }

    [Fact]
    public void A_ring_needs_four_positions()
    {
        var error = Single(Parse("""{"type":"Polygon","coordinates":[[[84.9,45.6],[84.901,45.6],[84.9,45.6]]]}"""));

        Assert.Equal($"{Root}.coordinates[0]", error.Path);
        Assert.Equal("has 3 position(s); a linear ring needs at least 4 (three corners and the first repeated at the end)", error.Message);
    }

    [Fact]
    public void A_short_unclosed_ring_gets_both_errors()
    {
        var result = Parse("""{"type":"Polygon","coordinates":[[[84.9,45.6],[84.901,45.6],[84.901,45.601]]]}""");

        Assert.Equal(2, result.Errors.Count);
        HasError(result, $"{Root}.coordinates[0]", "has 3 position(s)");
        HasError(result, $"{Root}.coordinates[0]", "is not closed");
    }

    [Theory]
    [InlineData("[181,45.6]", "[0][1][0]", "longitude 181 is outside [-180, 180]")]
    [InlineData("[-180.5,45.6]", "[0][1][0]", "longitude -180.5 is outside [-180, 180]")]
    [InlineData("[-100,-90.01]", "[0][1][1]", "latitude -90.01 is outside [-90, 90]")]
    [InlineData("[45.6,120.3]", "[0][1][1]", "latitude 120.3 is outside [-90, 90] (GeoJSON puts the longitude first: [longitude, latitude])")]
    [InlineData("[84.9,\"45.6\"]", "[0][1][1]", "must be a number (the latitude), not a string")]
    [InlineData("[null,45.6]", "[0][1][0]", "must be a number (the longitude), not null")]
    [InlineData("[84.9,1e400]", "[0][1][1]", "must be a finite number (the latitude), not 1e400")]
    [InlineData("[84.9,45.6,\"high\"]", "[0][1][2]", "must be a number (the altitude), not a string")]
    [InlineData("[84.9,45.6,1,2]", "[0][1]", "has 4 element(s); a position is [longitude, latitude] or [longitude, latitude, altitude]")]
    [InlineData("[84.9]", "[0][1]", "has 1 element(s); a position is [longitude, latitude] or [longitude, latitude, altitude]")]
    [InlineData("{\"lon\":84.9,\"lat\":45.6}", "[0][1]", "must be a position [longitude, latitude], not an object")]
    public void A_bad_position_is_reported_at_its_path(string position, string at, string message)
    {
        var json = $$"""{"type":"Polygon","coordinates":[[[84.9,45.6],{{position}},[84.901,45.601],[84.9,45.601],[84.9,45.6]]]}""";

        var error = Single(Parse(json));

        Assert.Equal($"{Root}.coordinates{at}", error.Path);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_altitude_is_allowed_and_dropped()
    {
        var parcel = ParseValid("""{"type":"Polygon","coordinates":[[[84.9,45.6,400],[84.901,45.6,401.5],[84.901,45.601,402],[84.9,45.601,0],[84.9,45.6,400]]]}""");

        var first = parcel.ToGeoJson()["coordinates"]![0]![0]!.AsArray();
        Assert.Equal(2, first.Count);
    }

    [Fact]
    public void Several_errors_are_reported_at_once()
    {
        var json = """
            {
              "type": "Polygon",
              "properties": {},
              "coordinates": [
                [[84.9,45.6],[200,45.6],[84.901,"north"],[84.9,45.601],[84.9,45.6]],
                [[84.9002,45.6002],[84.9004,45.6002],[84.9002,45.6002]]
              ]
            }
            """;

        var result = Parse(json);

        Assert.Null(result.Geometry);
        Assert.Equal(4, result.Errors.Count);
        HasError(result, $"{Root}.properties", "is not a member");
        HasError(result, $"{Root}.coordinates[0][1][0]", "longitude 200 is outside [-180, 180]");
        HasError(result, $"{Root}.coordinates[0][2][1]", "must be a number (the latitude), not a string");
        HasError(result, $"{Root}.coordinates[1]", "has 3 position(s)");
    }

    [Fact]
    public void A_bow_tie_is_a_self_intersection()
    {
        var error = Single(Parse("""{"type":"Polygon","coordinates":[[[84.9,45.6],[84.901,45.601],[84.901,45.6],[84.9,45.601],[84.9,45.6]]]}"""));

        Assert.Equal(Root, error.Path);
        Assert.StartsWith("is not a valid Polygon: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("Self-intersection", error.Message, StringComparison.Ordinal);
        Assert.Contains("at [84.9005, 45.6005]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hole_outside_its_shell_is_invalid()
    {
        var outer = Box(84.9, 45.6, 84.901, 45.601);
        var hole = Box(84.902, 45.6, 84.903, 45.601, clockwise: true);

        var error = Single(Parse(Polygon(outer, hole)));

        Assert.Equal(Root, error.Path);
        Assert.Contains("Hole lies outside shell", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Overlapping_pieces_of_a_multipolygon_are_invalid()
    {
        var first = Box(84.9, 45.6, 84.902, 45.602);
        var second = Box(84.901, 45.601, 84.903, 45.603);

        var error = Single(Parse($$"""{"type":"MultiPolygon","coordinates":[{{Rings([first])}},{{Rings([second])}}]}"""));

        Assert.Equal(Root, error.Path);
        Assert.StartsWith("is not a valid MultiPolygon: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_second_polygon_of_a_multipolygon_is_reported_under_its_index()
    {
        var json = $$"""{"type":"MultiPolygon","coordinates":[[{{Square}}],[[[85.0,45.6],[85.001,45.6],[85.001,45.601],[85.0,45.601]]]]}""";

        var error = Single(Parse(json));

        Assert.Equal($"{Root}.coordinates[1][0]", error.Path);
        Assert.StartsWith("is not closed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_position_in_a_multipolygon_has_the_full_path()
    {
        var json = $$"""{"type":"MultiPolygon","coordinates":[[{{Square}}],[[[85.0,45.6],[85.001,45.6],[85.001,95],[85.0,45.601],[85.0,45.6]]]]}""";

        var error = Single(Parse(json));

        Assert.Equal($"{Root}.coordinates[1][0][2][1]", error.Path);
    }

    [Fact]
    public void Too_many_vertices_are_refused()
    {
        var json = """{"type":"Polygon","coordinates":[[[84.9,45.6],[84.901,45.6],[84.902,45.6005],[84.901,45.601],[84.9,45.601],[84.9,45.6]]]}""";

        var error = Single(Parse(json, maxVertices: 4));

        Assert.Equal($"{Root}.coordinates", error.Path);
        Assert.Equal("has 5 vertices; at most 4 are allowed", error.Message);
        Assert.True(Parse(json, maxVertices: 5).IsValid);
    }

    [Fact]
    public void The_error_list_is_capped()
    {
        var positions = string.Join(",", Enumerable.Range(0, 300).Select(_ => "[\"x\",\"y\"]"));
        var result = Parse($$"""{"type":"Polygon","coordinates":[[{{positions}}]]}""", maxVertices: 100);

        Assert.Equal(101, result.Errors.Count);
        Assert.Equal(new GeometryError($"{Root}.coordinates", "has 299 vertices; at most 100 are allowed"), result.Errors[0]);
        Assert.Equal(Root, result.Errors[^1].Path);
        Assert.Contains("only the first 100 are reported", result.Errors[^1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_path_prefix_can_be_chosen()
    {
        using var document = System.Text.Json.JsonDocument.Parse("""{"type":"Point"}""");

        var result = ParcelGeometry.Parse(document.RootElement, 100, "$.parcels[2].geometry");

        HasError(result, "$.parcels[2].geometry.type", "not \"Point\"");
    }

    [Fact]
    public void Clockwise_input_is_accepted_and_written_counter_clockwise()
    {
        var outer = Box(84.9, 45.6, 84.902, 45.602, clockwise: true);
        var hole = Box(84.9005, 45.6005, 84.901, 45.601, clockwise: false);
        var parcel = ParseValid(Polygon(outer, hole));

        var rings = parcel.ToGeoJson()["coordinates"]!.AsArray();

        Assert.True(SignedArea(rings[0]!) > 0, "the exterior ring must be counter-clockwise");
        Assert.True(SignedArea(rings[1]!) < 0, "a hole must be clockwise");
        var ccw = ParseValid(Polygon(Box(84.9, 45.6, 84.902, 45.602), Box(84.9005, 45.6005, 84.901, 45.601, clockwise: true)));
        Assert.Equal(ccw.AreaM2, parcel.AreaM2);
    }

    [Fact]
    public void Multipolygon_pieces_are_oriented_too()
    {
        var first = Box(84.9, 45.6, 84.901, 45.601, clockwise: true);
        var second = Box(84.902, 45.6, 84.903, 45.601, clockwise: false);
        var parcel = ParseValid($$"""{"type":"MultiPolygon","coordinates":[{{Rings([first])}},{{Rings([second])}}]}""");

        var polygons = parcel.ToGeoJson()["coordinates"]!.AsArray();

        Assert.Equal("MultiPolygon", (string?)parcel.ToGeoJson()["type"]);
        Assert.All(polygons, p => Assert.True(SignedArea(p![0]!) > 0));
    }

    [Fact]
    public void Written_coordinates_are_rounded_to_eight_decimals()
    {
        var parcel = ParseValid(Polygon([(84.123456789012, 45.6), (84.2, 45.6), (84.2, 45.7), (84.123456789012, 45.6)]));

        var json = parcel.ToGeoJsonString();

        Assert.Contains("84.12345679", json, StringComparison.Ordinal);
        Assert.DoesNotContain("84.123456789", json, StringComparison.Ordinal);
        Assert.StartsWith("{\"type\":\"Polygon\",\"coordinates\":[[[", json, StringComparison.Ordinal);
    }

    private static double SignedArea(JsonNode ring)
    {
        var points = ring.AsArray().Select(p => ((double)p![0]!, (double)p[1]!)).ToArray();
        var sum = 0.0;
        for (var i = 0; i + 1 < points.Length; i++)
        {
            sum += points[i].Item1 * points[i + 1].Item2 - points[i + 1].Item1 * points[i].Item2;
        }

        return sum / 2;
    }
}
