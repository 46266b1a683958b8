using System.Globalization;
using System.Text.Json;
using Azure;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// The JSON payload format of entities. String, Int32 and Boolean travel as plain JSON; every other type
/// carries a <c>Name@odata.type</c> annotation, because plain JSON cannot tell an Int64 from a Double
/// beyond 2^53, a whole Double from an Int32, or a date, Guid or binary value from a string.
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    public static byte[] Serialize(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in entity)
            {
                // The service owns Timestamp; sending one back (e.g. on a read-modify-write) must not store a user property.
                if (value is null || name == "Timestamp")
                {
                    continue;
                }

                WriteProperty(writer, name, value);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteProperty(Utf8JsonWriter writer, string name, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteString(name, s);
                break;
            case bool b:
                writer.WriteBoolean(name, b);
                break;
            case int i:
                writer.WriteNumber(name, i);
                break;
            case long l:
                WriteTyped(writer, name, "Edm.Int64", l.ToString(CultureInfo.InvariantCulture));
                break;
            case double d when double.IsFinite(d):
                writer.WriteString(name + TypeSuffix, "Edm.Double");
                writer.WriteNumber(name, d);
                break;
            case double d:
                WriteTyped(writer, name, "Edm.Double", double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                break;
            case DateTimeOffset d:
                WriteTyped(writer, name, "Edm.DateTime", TableValues.FormatDateTime(d));
                break;
            case DateTime d:
                WriteTyped(writer, name, "Edm.DateTime", TableValues.FormatDateTime(d));
                break;
            case Guid g:
                WriteTyped(writer, name, "Edm.Guid", g.ToString("D"));
                break;
            case byte[] bytes:
                WriteTyped(writer, name, "Edm.Binary", Convert.ToBase64String(bytes));
                break;
            case BinaryData data:
                WriteTyped(writer, name, "Edm.Binary", Convert.ToBase64String(data.ToMemory().Span));
                break;
            default:
                throw new NotSupportedException(
                    $"Property '{name}' is a {value.GetType().Name}; Table storage stores string, bool, int, long, double, DateTime, DateTimeOffset, Guid and byte[] only.");
        }
    }

    private static void WriteTyped(Utf8JsonWriter writer, string name, string edmType, string value)
    {
        writer.WriteString(name + TypeSuffix, edmType);
        writer.WriteString(name, value);
    }

    /// <summary>Reads one entity object of a minimal-metadata payload.</summary>
    public static TableEntity Read(JsonElement json)
    {
        var entity = new TableEntity();
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name == "odata.etag")
            {
                if (property.Value.GetString() is { } etag)
                {
                    entity.ETag = new ETag(etag);
                }

                continue;
            }

            if (name.StartsWith("odata.", StringComparison.Ordinal) || name.EndsWith(TypeSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var edmType = json.TryGetProperty(name + TypeSuffix, out var t) ? t.GetString()
                : name == "Timestamp" ? "Edm.DateTime" // a system property: its type is known, so the service may leave it unannotated
                : null;
            entity[name] = ReadValue(name, property.Value, edmType);
        }

        return entity;
    }

    private static object? ReadValue(string name, JsonElement value, string? edmType)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        switch (edmType)
        {
            case null or "Edm.String" or "Edm.Boolean" or "Edm.Int32":
                return value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString(),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.Number => ReadUnannotatedNumber(value),
                    _ => throw new FormatException($"Property '{name}' has a JSON {value.ValueKind}, which no Table type maps to."),
                };
            case "Edm.Int64":
                return value.ValueKind == JsonValueKind.Number
                    ? value.GetInt64()
                    : long.Parse(value.GetString()!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            case "Edm.Double":
                return value.ValueKind == JsonValueKind.Number
                    ? value.GetDouble()
                    : double.Parse(value.GetString()!, NumberStyles.Float, CultureInfo.InvariantCulture);
            case "Edm.DateTime":
                return DateTimeOffset.Parse(value.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
            case "Edm.Guid":
                return Guid.Parse(value.GetString()!);
            case "Edm.Binary":
                return Convert.FromBase64String(value.GetString()!);
            default:
                throw new FormatException($"Property '{name}' has the unknown type '{edmType}'.");
        }
    }

    /// <summary>Unannotated numbers are Int32 when whole and in range; anything written with a fraction or exponent is a Double.</summary>
    private static object ReadUnannotatedNumber(JsonElement value)
    {
        var raw = value.GetRawText();
        if (raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0)
        {
            if (value.TryGetInt32(out var i))
            {
                return i;
            }

            if (value.TryGetInt64(out var l))
            {
                return l;
            }
        }

        return value.GetDouble();
    }
}
