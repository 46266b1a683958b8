using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization.Metadata;
using LandRedevelopment.Calendars;

namespace LandRedevelopment.Policies;

/// <summary>
/// The JSON Schema (draft 2020-12) of a policy document, generated from the model by
/// <see cref="JsonSchemaExporter"/> so that it cannot drift from what <see cref="PolicyJson.Options"/> reads.
/// Every record of the model becomes one entry of <c>$defs</c>, referred to as <c>#/$defs/Name</c>.
/// </summary>
/// <remarks>
/// Beyond what the exporter derives from the CLR types, the schema carries: descriptions from
/// <see cref="DescriptionAttribute"/>; the constraints of <see cref="SchemaRangeAttribute"/>,
/// <see cref="SchemaPatternAttribute"/>, <see cref="SchemaMinItemsAttribute"/>, <see cref="SchemaConstAttribute"/> and
/// <see cref="SchemaExactlyOneAttribute"/>; non-empty strings; defaults of optional members. <c>null</c> is never
/// allowed: an absent member is left out, which is also how the serializer writes one.
/// </remarks>
public static class PolicySchema
{
    /// <summary>The schema's <c>$id</c>.</summary>
    public const string Id = "https://land-redevelopment.example/schemas/policy-v1.json";

    /// <summary>The JSON Schema dialect, the schema's <c>$schema</c>.</summary>
    public const string Dialect = "https://json-schema.org/draft/2020-12/schema";

    /// <summary>The schema's <c>title</c>.</summary>
    public const string Title = "Low-efficiency land redevelopment policy (低效用地再开发政策), version 1";

    private const string DefsPrefix = "#/$defs/";

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,

        // The committed policy.schema.json must come out the same on every machine.
        NewLine = "\n",
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    // Period belongs to the calendars, which do not describe their members for a schema; these fill in
    // until (and unless) they do. An attribute on the member always wins.
    private static readonly Dictionary<Type, string> FallbackTypeDescriptions = new()
    {
        [typeof(Period)] = "A legal period: years, months and days (calendar units), or working days — not both. Absent members are 0.",
    };

    private static readonly Dictionary<(Type Type, string Member), string> FallbackMemberDescriptions = new()
    {
        [(typeof(Period), nameof(Period.Years))] = "Whole years.",
        [(typeof(Period), nameof(Period.Months))] = "Whole months.",
        [(typeof(Period), nameof(Period.Days))] = "Calendar days.",
        [(typeof(Period), nameof(Period.WorkingDays))] = "Working days (工作日), counted on the tenant's working calendar; not combined with calendar units.",
    };

    // The order a reader expects: what it is, then its shape, then its constraints, then the nested parts.
    private static readonly string[] KeyOrder =
    [
        "$schema", "$id", "title", "description", "$ref", "type", "enum", "const", "format", "pattern", "minLength",
        "minimum", "exclusiveMinimum", "maximum", "items", "minItems", "properties", "required", "additionalProperties",
        "oneOf", "default", "$defs",
    ];

    private static readonly Lazy<JsonObject> Built = new(Build);
    private static readonly Lazy<string> Text = new(() => Built.Value.ToJsonString(WriteOptions));
    private static readonly Lazy<JsonSchemaValidator> CachedValidator = new(() => new JsonSchemaValidator(Built.Value));

    /// <summary>The schema. Generated once; each call returns a copy, so a caller cannot change what others validate against.</summary>
    public static JsonNode Schema => Built.Value.DeepClone();

    /// <summary>The schema as indented JSON (what <c>policy.schema.json</c> holds).</summary>
    public static string SchemaJson => Text.Value;

    /// <summary>A validator for the schema, built once.</summary>
    internal static JsonSchemaValidator Validator => CachedValidator.Value;

    /// <summary>The members of which exactly one must be present on an instance of <paramref name="type"/> (empty when the type has no such rule).</summary>
    internal static IReadOnlyList<JsonPropertyInfo> ExactlyOneMembers(Type type)
    {
        var attribute = type.GetCustomAttribute<SchemaExactlyOneAttribute>();
        if (attribute is null)
        {
            return [];
        }

        var properties = PolicyJson.Options.GetTypeInfo(type).Properties;
        if (attribute.Members.Count == 0)
        {
            return [.. properties];
        }

        var selected = properties.Where(p => attribute.Members.Contains(ClrName(p))).ToList();
        if (selected.Count != attribute.Members.Count)
        {
            throw new InvalidOperationException($"[SchemaExactlyOne] on {type.Name} names a member that is not serialized: {string.Join(", ", attribute.Members)}.");
        }

        return selected;
    }

    private static JsonObject Build()
    {
        var defined = new Dictionary<string, Type>(StringComparer.Ordinal);
        var root = Export(typeof(PolicyDocument), defined, respell: true);

        // Depth first, in document order, so that $defs (and the reference generated from it) read top-down:
        // ScreeningRules, NamedRule, Rule, CompareRule, … before ReviewRules.
        var defs = new JsonObject();
        void Define(string name)
        {
            if (defs.ContainsKey(name))
            {
                return;
            }

            var definition = Export(defined[name], defined, respell: true);
            defs[name] = definition;
            foreach (var reference in References(definition).ToList())
            {
                Define(reference);
            }
        }

        foreach (var reference in References(root).ToList())
        {
            Define(reference);
        }

        var schema = new JsonObject
        {
            ["$schema"] = Dialect,
            ["$id"] = Id,
            ["title"] = Title,
        };
        foreach (var (key, value) in root.ToList())
        {
            root.Remove(key);
            schema[key] = value;
        }

        schema["$defs"] = defs;
        CheckReferences(schema, defs);
        return schema;
    }

    /// <summary>The schema of one model type, with every other model type inside it replaced by a reference.</summary>
    /// <param name="type">The type.</param>
    /// <param name="defined">Collects the model types referred to.</param>
    /// <param name="respell">Whether to spell out the exporter's own pointers to non-model types (see <see cref="Transform"/>).</param>
    private static JsonObject Export(Type type, Dictionary<string, Type> defined, bool respell)
    {
        var options = new JsonSchemaExporterOptions
        {
            // Lists of records are never meant to hold nulls; without this the exporter allows them.
            TreatNullObliviousAsNonNullable = true,
            TransformSchemaNode = (context, node) => Transform(context, node, defined, respell),
        };
        var node = JsonSchemaExporter.GetJsonSchemaAsNode(PolicyJson.Options, type, options);
        return node as JsonObject ?? throw new InvalidOperationException($"The schema of {type.Name} is not an object.");
    }

    private static JsonNode Transform(JsonSchemaExporterContext context, JsonNode node, Dictionary<string, Type> defined, bool respell)
    {
        var type = context.TypeInfo.Type;
        var schema = node as JsonObject
            ?? throw new InvalidOperationException($"The exporter gave a boolean schema for {type.Name} at {string.Join('/', context.Path.ToArray())}.");
        DropNull(schema);

        var isRoot = context.Path.IsEmpty;
        if (respell && !isRoot && !IsDefinition(type) && schema["$ref"] is not null)
        {
            // The exporter spots recursion by (type, member) and then may point at an earlier copy of, say, a list
            // of strings inside a record that is about to become a $defs reference: that copy goes away, so the
            // pointer would dangle. Such types are not recursive on their own: spell them out again. Pointers
            // inside that export sit in records that become references too, and go; any that stays is caught
            // by CheckReferences.
            schema = Export(type, defined, respell: false);
        }

        if (!isRoot && IsDefinition(type))
        {
            // Also replaces the exporter's own recursion references, which point into the enclosing document.
            if (defined.TryGetValue(type.Name, out var other) && other != type)
            {
                throw new InvalidOperationException($"Two model types are named {type.Name}: {other.FullName} and {type.FullName}; $defs needs unique names.");
            }

            defined[type.Name] = type;
            schema = new JsonObject { ["$ref"] = DefsPrefix + type.Name };
        }
        else if (isRoot)
        {
            AddTypeKeywords(schema, type, context.TypeInfo);
        }

        if (IsPlainString(schema))
        {
            // An empty id, name or citation is a slip, never a value; an absent one is left out.
            schema["minLength"] = 1;
        }

        if (context.PropertyInfo is { } property)
        {
            AddMemberKeywords(schema, property);
        }

        return Ordered(schema);
    }

    private static void AddTypeKeywords(JsonObject schema, Type type, JsonTypeInfo typeInfo)
    {
        var description = type.GetCustomAttribute<DescriptionAttribute>()?.Description
            ?? FallbackTypeDescriptions.GetValueOrDefault(type);
        if (description is not null)
        {
            schema["description"] = description;
        }

        var exactlyOne = ExactlyOneMembers(type);
        if (exactlyOne.Count > 0 && typeInfo.Kind == JsonTypeInfoKind.Object)
        {
            schema["oneOf"] = new JsonArray([.. exactlyOne.Select(p => (JsonNode)new JsonObject { ["required"] = new JsonArray(p.Name) })]);
        }
    }

    private static void AddMemberKeywords(JsonObject schema, JsonPropertyInfo property)
    {
        var member = property.AttributeProvider as MemberInfo;
        var description = member?.GetCustomAttribute<DescriptionAttribute>()?.Description
            ?? (member is null ? null : FallbackMemberDescriptions.GetValueOrDefault((property.DeclaringType, member.Name)));
        if (description is not null)
        {
            schema["description"] = description;
        }

        if (member?.GetCustomAttribute<SchemaRangeAttribute>() is { } range)
        {
            schema[range.ExclusiveMinimum ? "exclusiveMinimum" : "minimum"] = Number(range.Minimum);
            if (!double.IsPositiveInfinity(range.Maximum))
            {
                schema["maximum"] = Number(range.Maximum);
            }
        }

        if (member?.GetCustomAttribute<SchemaPatternAttribute>() is { } pattern)
        {
            var target = schema["items"] as JsonObject ?? schema;
            target["pattern"] = pattern.Pattern;
        }

        if (member?.GetCustomAttribute<SchemaMinItemsAttribute>() is { } minItems)
        {
            schema["minItems"] = minItems.MinItems;
        }

        if (member?.GetCustomAttribute<SchemaConstAttribute>() is { } constant)
        {
            schema["const"] = constant.Value;
        }

        if (!property.IsRequired && DefaultOf(property) is { } value)
        {
            schema["default"] = value;
        }
    }

    /// <summary>What an optional member is when left out: the model's initializer, as JSON.</summary>
    private static JsonNode? DefaultOf(JsonPropertyInfo property)
    {
        if (property.Get is null || property.DeclaringType.GetConstructor(Type.EmptyTypes) is null)
        {
            return null;
        }

        var instance = Activator.CreateInstance(property.DeclaringType)!;
        var value = property.Get(instance);
        return value is null ? null : JsonSerializer.SerializeToNode(value, property.PropertyType, PolicyJson.Options);
    }

    /// <summary>Records of the model get a <c>$defs</c> entry; enums stay inline, where their values are read.</summary>
    private static bool IsDefinition(Type type) =>
        type.Assembly == typeof(PolicyDocument).Assembly && type.IsClass && !type.IsGenericType;

    private static bool IsPlainString(JsonObject schema) =>
        schema["type"] is JsonValue t && t.GetValueKind() == JsonValueKind.String && t.GetValue<string>() == "string"
        && !schema.ContainsKey("format") && !schema.ContainsKey("enum");

    private static void DropNull(JsonObject schema)
    {
        if (schema["type"] is JsonArray types)
        {
            var kept = types.Where(t => t?.GetValue<string>() != "null").Select(t => t!.GetValue<string>()).ToList();
            schema["type"] = kept.Count == 1 ? JsonValue.Create(kept[0]) : new JsonArray([.. kept.Select(k => (JsonNode)k)]);
        }

        if (schema["enum"] is JsonArray values)
        {
            foreach (var nullValue in values.Where(v => v is null).ToList())
            {
                values.Remove(nullValue);
            }
        }
    }

    private static JsonObject Ordered(JsonObject schema)
    {
        var entries = schema.ToList();
        schema.Clear();
        var ordered = new JsonObject();
        foreach (var key in KeyOrder)
        {
            if (entries.FirstOrDefault(e => e.Key == key) is { Key: not null } entry)
            {
                ordered[key] = entry.Value;
            }
        }

        foreach (var entry in entries.Where(e => !KeyOrder.Contains(e.Key)))
        {
            ordered[entry.Key] = entry.Value;
        }

        return ordered;
    }

    private static JsonValue Number(double value) => JsonValue.Create(decimal.Parse(value.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture));

    private static string ClrName(JsonPropertyInfo property) => (property.AttributeProvider as MemberInfo)?.Name ?? property.Name;

    /// <summary>The <c>$defs</c> names a schema refers to, in document order.</summary>
    private static IEnumerable<string> References(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref" && value?.GetValue<string>() is { } reference && reference.StartsWith(DefsPrefix, StringComparison.Ordinal))
                    {
                        yield return reference[DefsPrefix.Length..];
                    }
                    else
                    {
                        foreach (var nested in References(value))
                        {
                            yield return nested;
                        }
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    foreach (var nested in References(item))
                    {
                        yield return nested;
                    }
                }

                break;
        }
    }

    private static void CheckReferences(JsonNode? node, JsonObject defs)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj)
                {
                    if (key == "$ref")
                    {
                        var reference = value!.GetValue<string>();
                        if (!reference.StartsWith(DefsPrefix, StringComparison.Ordinal) || !defs.ContainsKey(reference[DefsPrefix.Length..]))
                        {
                            throw new InvalidOperationException($"The policy schema has a reference that is not to one of its $defs: {reference}.");
                        }
                    }
                    else
                    {
                        CheckReferences(value, defs);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    CheckReferences(item, defs);
                }

                break;
        }
    }
}
