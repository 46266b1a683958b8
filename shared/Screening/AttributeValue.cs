using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Screening;

/// <summary>
/// One surveyed fact about a parcel, typed as the policy declares it: a boolean, an exact decimal
/// number, a calendar date or a string. Serializes as the plain JSON value (true, 0.85,
/// "2024-02-29", "text") so that screening results read naturally when stored or returned.
/// </summary>
[JsonConverter(typeof(AttributeValueJsonConverter))]
public sealed record AttributeValue
{
    private const string DateFormat = "yyyy-MM-dd";

    /// <summary>
    /// The most characters a string attribute of a survey may have. Attributes are kept on the case's row, which storage
    /// limits to 1 MiB with every other field, so each is bounded; codes, names and short notes fit.
    /// </summary>
    public const int MaxStringLength = 256;

    private readonly bool boolean;
    private readonly decimal number;
    private readonly DateOnly date;
    private readonly string? text;

    private AttributeValue(AttributeType type, bool boolean = false, decimal number = 0m, DateOnly date = default, string? text = null)
    {
        Type = type;
        this.boolean = boolean;
        this.number = number;
        this.date = date;
        this.text = text;
    }

    /// <summary>Which of the four kinds this value is.</summary>
    public AttributeType Type { get; }

    /// <summary>A boolean value.</summary>
    public static AttributeValue Of(bool value) => new(AttributeType.Boolean, boolean: value);

    /// <summary>A number, kept as an exact decimal.</summary>
    public static AttributeValue Of(decimal value) => new(AttributeType.Number, number: value);

    /// <summary>A calendar date.</summary>
    public static AttributeValue Of(DateOnly value) => new(AttributeType.Date, date: value);

    /// <summary>A string.</summary>
    public static AttributeValue Of(string value) => new(AttributeType.String, text: value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A boolean value.</summary>
    public static implicit operator AttributeValue(bool value) => Of(value);

    /// <summary>A number.</summary>
    public static implicit operator AttributeValue(decimal value) => Of(value);

    /// <summary>A date.</summary>
    public static implicit operator AttributeValue(DateOnly value) => Of(value);

    /// <summary>A string.</summary>
    public static implicit operator AttributeValue(string value) => Of(value);

    /// <summary>The boolean; throws when this is not a boolean.</summary>
    public bool AsBoolean() => Type == AttributeType.Boolean ? boolean : throw WrongKind(AttributeType.Boolean);

    /// <summary>The number; throws when this is not a number.</summary>
    public decimal AsNumber() => Type == AttributeType.Number ? number : throw WrongKind(AttributeType.Number);

    /// <summary>The date; throws when this is not a date.</summary>
    public DateOnly AsDate() => Type == AttributeType.Date ? date : throw WrongKind(AttributeType.Date);

    /// <summary>The string; throws when this is not a string.</summary>
    public string AsString() => Type == AttributeType.String ? text! : throw WrongKind(AttributeType.String);

    /// <summary>The value as the explanations print it: true, 0.85 (scale kept), 2024-02-29, text.</summary>
    public override string ToString() => Type switch
    {
        AttributeType.Boolean => boolean ? "true" : "false",
        AttributeType.Number => number.ToString(CultureInfo.InvariantCulture),
        AttributeType.Date => date.ToString(DateFormat, CultureInfo.InvariantCulture),
        _ => text!,
    };

    /// <summary>
    /// Reads a JSON value as the type the policy declares for it. Numbers must be JSON numbers and
    /// dates JSON strings in yyyy-MM-dd; nothing is coerced, so that a survey app's mistake is
    /// reported instead of silently screened.
    /// </summary>
    /// <exception cref="AttributeValueException">The value is not of the declared type.</exception>
    public static AttributeValue FromJson(JsonElement element, AttributeType type) => Read(element, type, attribute: null);

    /// <summary>
    /// Reads a survey's attributes object against the policy's attribute definitions. A JSON null
    /// counts as absent (the rules then treat it as missing); an undeclared name is refused, since it
    /// is most likely a misspelling that would otherwise leave a rule unknowingly unmet.
    /// </summary>
    /// <exception cref="AttributeValueException">The object is malformed, names an undeclared attribute, or a value has the wrong type.</exception>
    public static IReadOnlyDictionary<string, AttributeValue> ReadAttributes(JsonElement attributes, IReadOnlyList<AttributeDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (attributes.ValueKind != JsonValueKind.Object)
        {
            throw new AttributeValueException(null, $"The attributes must be a JSON object, got {Describe(attributes)}.");
        }

        var declared = definitions.ToDictionary(d => d.Name, StringComparer.Ordinal);
        var values = new Dictionary<string, AttributeValue>(StringComparer.Ordinal);
        foreach (var property in attributes.EnumerateObject())
        {
            if (!declared.TryGetValue(property.Name, out var definition))
            {
                throw new AttributeValueException(property.Name, $"Attribute '{property.Name}' is not declared by the policy.");
            }

            if (property.Value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            values[property.Name] = Read(property.Value, definition.Type, property.Name);
        }

        return values;
    }

    private static AttributeValue Read(JsonElement element, AttributeType type, string? attribute)
    {
        switch (type)
        {
            case AttributeType.Boolean when element.ValueKind is JsonValueKind.True or JsonValueKind.False:
                return Of(element.GetBoolean());
            case AttributeType.Number when element.ValueKind == JsonValueKind.Number:
                return element.TryGetDecimal(out var number)
                    ? Of(number)
                    : throw Mismatch(attribute, "a number within the decimal range", element);
            case AttributeType.Date when element.ValueKind == JsonValueKind.String:
                return TryParseDate(element.GetString()!, out var date)
                    ? Of(date)
                    : throw Mismatch(attribute, "a date as yyyy-MM-dd", element);
            case AttributeType.String when element.ValueKind == JsonValueKind.String:
                return Of(element.GetString()!);
            default:
                throw Mismatch(attribute, type switch
                {
                    AttributeType.Boolean => "a boolean (true or false)",
                    AttributeType.Number => "a number",
                    AttributeType.Date => "a date as yyyy-MM-dd",
                    _ => "a string",
                }, element);
        }
    }

    internal static bool TryParseDate(string text, out DateOnly date) =>
        DateOnly.TryParseExact(text, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out date);

    private static AttributeValueException Mismatch(string? attribute, string expected, JsonElement element)
    {
        var subject = attribute is null ? "Expected" : $"Attribute '{attribute}' must be";
        return new AttributeValueException(attribute, $"{subject} {expected}, got {Describe(element)}.");
    }

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => $"the string \"{element.GetString()}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => "null",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "nothing",
    };

    private InvalidOperationException WrongKind(AttributeType wanted) =>
        new($"The value {this} is a {Type.ToString().ToLowerInvariant()}, not a {wanted.ToString().ToLowerInvariant()}.");
}

/// <summary>A survey attribute whose JSON value does not have the type the policy declares.</summary>
public sealed class AttributeValueException : FormatException
{
    /// <summary>Creates the error.</summary>
    public AttributeValueException(string? attribute, string message)
        : base(message)
    {
        Attribute = attribute;
    }

    /// <summary>The attribute's name, where known, so the edge can name the field in its problem response.</summary>
    public string? Attribute { get; }
}

/// <summary>
/// Writes an <see cref="AttributeValue"/> as its plain JSON value. Reading back has no policy to
/// consult, so it infers the kind from the JSON: a string in exactly yyyy-MM-dd is taken as a date.
/// Where the declared type matters (surveys), use <see cref="AttributeValue.FromJson"/>.
/// </summary>
internal sealed class AttributeValueJsonConverter : JsonConverter<AttributeValue>
{
    public override AttributeValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => AttributeValue.Of(true),
        JsonTokenType.False => AttributeValue.Of(false),
        JsonTokenType.Number => AttributeValue.Of(reader.GetDecimal()),
        JsonTokenType.String when AttributeValue.TryParseDate(reader.GetString()!, out var date) => AttributeValue.Of(date),
        JsonTokenType.String => AttributeValue.Of(reader.GetString()!),
        _ => throw new JsonException($"An attribute value must be a boolean, number or string, got {reader.TokenType}."),
    };

    public override void Write(Utf8JsonWriter writer, AttributeValue value, JsonSerializerOptions options)
    {
        switch (value.Type)
        {
            case AttributeType.Boolean:
                writer.WriteBooleanValue(value.AsBoolean());
                break;
            case AttributeType.Number:
                writer.WriteNumberValue(value.AsNumber());
                break;
            default:
                writer.WriteStringValue(value.ToString());
                break;
        }
    }
}
