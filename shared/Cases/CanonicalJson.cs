using System.Security.Cryptography;
using System.Text.Json;

namespace LandRedevelopment.Cases;

/// <summary>
/// A hash of a JSON document that ignores formatting and member order, so that a field app's retry of
/// the same submission matches even if its JSON library re-orders or re-indents the body.
/// </summary>
public static class CanonicalJson
{
    public static string Sha256(JsonElement element)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, element);
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void Write(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Number:
                // 1.50 and 1.5 are the same number.
                writer.WriteNumberValue(element.GetDecimal());
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }
}
