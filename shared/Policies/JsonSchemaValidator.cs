using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace LandRedevelopment.Policies;

/// <summary>One thing wrong with a policy document: where (a JSON path such as <c>$.screening.criteria[2].rule</c>) and what.</summary>
/// <param name="Path">The JSON path of the offending value, or of the missing or unknown member.</param>
/// <param name="Message">What is wrong, naming the rule broken (e.g. "must be a number", "is required").</param>
public sealed record PolicyError(string Path, string Message)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// Validates JSON against the subset of JSON Schema (draft 2020-12) that the policy schema uses, and reports every
/// error, not only the first, each with the JSON path of the value.
/// </summary>
/// <remarks>
/// Supported: <c>type</c> (one or several, including <c>null</c>), <c>properties</c>, <c>required</c>,
/// <c>additionalProperties</c>, <c>items</c>, <c>enum</c>, <c>const</c>, <c>minimum</c>, <c>maximum</c>,
/// <c>exclusiveMinimum</c>, <c>exclusiveMaximum</c>, <c>minLength</c>, <c>maxLength</c>, <c>pattern</c>,
/// <c>minItems</c>, <c>maxItems</c>, <c>minProperties</c>, <c>maxProperties</c>, <c>format: date</c>, <c>$ref</c>
/// to a JSON pointer in the same schema, <c>anyOf</c> and <c>oneOf</c>; annotations are ignored. A schema using
/// anything else is refused when the validator is built, so a keyword can never be silently skipped.
/// </remarks>
public sealed class JsonSchemaValidator
{
    private static readonly HashSet<string> Annotations = ["$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples"];

    private static readonly HashSet<string> Keywords =
    [
        "$ref", "type", "properties", "required", "additionalProperties", "items", "enum", "const", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems",
        "minProperties", "maxProperties", "format", "anyOf", "oneOf",
    ];

    private static readonly Regex DateShape = new(@"^[0-9]{4}-[0-9]{2}-[0-9]{2}\z", RegexOptions.CultureInvariant);
    private static readonly Regex PlainMemberName = new(@"^[A-Za-z_$][A-Za-z0-9_$]*\z", RegexOptions.CultureInvariant);

    private readonly JsonNode root;
    private readonly Node compiledRoot;
    private readonly Dictionary<JsonNode, Node> compiled = new(ReferenceEqualityComparer.Instance);

    /// <summary>Compiles <paramref name="schema"/>.</summary>
    /// <exception cref="NotSupportedException">The schema uses a keyword, format or reference this validator does not implement.</exception>
    public JsonSchemaValidator(JsonNode schema)
    {
        ArgumentNullException.ThrowIfNull(schema);

        // A private copy: the compiled form must not change under us if the caller edits theirs.
        root = schema.DeepClone();
        compiledRoot = Compile(root, "#");
    }

    /// <summary>Every error in <paramref name="instance"/>, in document order; empty when it is valid.</summary>
    public IReadOnlyList<PolicyError> Validate(JsonElement instance)
    {
        var errors = new List<PolicyError>();
        Validate(compiledRoot, instance, "$", errors);
        return errors;
    }

    /// <summary>The message for a value that has none, or more than one, of a set of members of which exactly one is required.</summary>
    internal static string ExactlyOneMessage(IEnumerable<string> members, IReadOnlyCollection<string> present) =>
        $"must have exactly one of: {string.Join(", ", members)} " +
        (present.Count == 0 ? "(has none)" : $"(has {present.Count}: {string.Join(", ", present)})");

    /// <summary>The path of a member of the value at <paramref name="path"/>.</summary>
    internal static string MemberPath(string path, string name) =>
        PlainMemberName.IsMatch(name) ? $"{path}.{name}" : $"{path}['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>The path of an item of the array at <paramref name="path"/>.</summary>
    internal static string ItemPath(string path, int index) => $"{path}[{index.ToString(CultureInfo.InvariantCulture)}]";

    private static void Validate(Node schema, JsonElement value, string path, List<PolicyError> errors)
    {
        if (schema.Ref is not null)
        {
            Validate(schema.Ref, value, path, errors);
        }

        if (schema.Types != JsonTypes.None && !Matches(schema.Types, value))
        {
            // Nothing else said about the value makes sense once its type is wrong.
            errors.Add(new PolicyError(path, "must be " + Describe(schema.Types)));
            return;
        }

        if (schema.Enum is { } allowed && !allowed.Any(a => JsonElement.DeepEquals(a, value)))
        {
            errors.Add(new PolicyError(path, "must be one of: " + string.Join(", ", allowed.Select(Show))));
        }

        if (schema.Const is { } constant && !JsonElement.DeepEquals(constant, value))
        {
            errors.Add(new PolicyError(path, "must be " + Show(constant)));
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                ValidateString(schema, value.GetString()!, path, errors);
                break;
            case JsonValueKind.Number:
                ValidateNumber(schema, value, path, errors);
                break;
            case JsonValueKind.Object:
                ValidateObject(schema, value, path, errors);
                break;
            case JsonValueKind.Array:
                ValidateArray(schema, value, path, errors);
                break;
        }

        if (schema.AnyOf is { } anyOf && !anyOf.Any(s => IsValid(s, value)))
        {
            errors.Add(new PolicyError(path, "must match at least one of the alternatives (anyOf)"));
        }

        if (schema.OneOf is { } oneOf)
        {
            if (schema.OneOfRequired is { } members)
            {
                // The schema's way of saying "exactly one of these members": say it the same way.
                if (value.ValueKind == JsonValueKind.Object)
                {
                    var present = members.Where(m => value.TryGetProperty(m, out _)).ToList();
                    if (present.Count != 1)
                    {
                        errors.Add(new PolicyError(path, ExactlyOneMessage(members, present)));
                    }
                }
            }
            else
            {
                var matching = oneOf.Count(s => IsValid(s, value));
                if (matching != 1)
                {
                    errors.Add(new PolicyError(path, $"must match exactly one of the alternatives (oneOf); matches {matching}"));
                }
            }
        }
    }

    private static bool IsValid(Node schema, JsonElement value)
    {
        var scratch = new List<PolicyError>();
        Validate(schema, value, "$", scratch);
        return scratch.Count == 0;
    }

    private static void ValidateString(Node schema, string text, string path, List<PolicyError> errors)
    {
        // JSON Schema counts characters as code points, so a CJK extension character counts once.
        var length = schema.MinLength is null && schema.MaxLength is null ? 0 : text.EnumerateRunes().Count();
        if (schema.MinLength is { } min && length < min)
        {
            errors.Add(new PolicyError(path, min == 1 ? "must not be empty" : $"must have at least {min} characters"));
        }

        if (schema.MaxLength is { } max && length > max)
        {
            errors.Add(new PolicyError(path, $"must have at most {max} characters"));
        }

        if (schema.Pattern is { } pattern && !pattern.Regex.IsMatch(text))
        {
            errors.Add(new PolicyError(path, $"must match the pattern {pattern.Text}"));
        }

        if (schema.DateFormat && !IsDate(text))
        {
            errors.Add(new PolicyError(path, "must be a date in the form yyyy-MM-dd (e.g. 2024-03-01)"));
        }
    }

    private static bool IsDate(string text) =>
        DateShape.IsMatch(text) && DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    private static void ValidateNumber(Node schema, JsonElement value, string path, List<PolicyError> errors)
    {
        if (schema.Minimum is { } minimum && CompareNumber(value, minimum) < 0)
        {
            errors.Add(new PolicyError(path, $"must be at least {Show(minimum)}"));
        }

        if (schema.ExclusiveMinimum is { } exclusiveMinimum && CompareNumber(value, exclusiveMinimum) <= 0)
        {
            errors.Add(new PolicyError(path, $"must be greater than {Show(exclusiveMinimum)}"));
        }

        if (schema.Maximum is { } maximum && CompareNumber(value, maximum) > 0)
        {
            errors.Add(new PolicyError(path, $"must be at most {Show(maximum)}"));
        }

        if (schema.ExclusiveMaximum is { } exclusiveMaximum && CompareNumber(value, exclusiveMaximum) >= 0)
        {
            errors.Add(new PolicyError(path, $"must be less than {Show(exclusiveMaximum)}"));
        }
    }

    private static int CompareNumber(JsonElement value, decimal bound) =>
        value.TryGetDecimal(out var exact) ? exact.CompareTo(bound) : value.GetDouble().CompareTo((double)bound);

    private static void ValidateObject(Node schema, JsonElement value, string path, List<PolicyError> errors)
    {
        foreach (var name in schema.Required)
        {
            if (!value.TryGetProperty(name, out _))
            {
                errors.Add(new PolicyError(MemberPath(path, name), "is required"));
            }
        }

        var count = 0;
        foreach (var member in value.EnumerateObject())
        {
            count++;
            var memberPath = MemberPath(path, member.Name);
            if (schema.Properties is not null && schema.Properties.TryGetValue(member.Name, out var memberSchema))
            {
                Validate(memberSchema, member.Value, memberPath, errors);
            }
            else if (schema.AdditionalProperties is { } additional)
            {
                Validate(additional, member.Value, memberPath, errors);
            }
            else if (!schema.AdditionalAllowed)
            {
                errors.Add(new PolicyError(memberPath, "is not allowed (unknown member)"));
            }
        }

        if (schema.MinProperties is { } min && count < min)
        {
            errors.Add(new PolicyError(path, $"must have at least {min} member{(min == 1 ? "" : "s")}"));
        }

        if (schema.MaxProperties is { } max && count > max)
        {
            errors.Add(new PolicyError(path, $"must have at most {max} member{(max == 1 ? "" : "s")}"));
        }
    }

    private static void ValidateArray(Node schema, JsonElement value, string path, List<PolicyError> errors)
    {
        var length = value.GetArrayLength();
        if (schema.MinItems is { } min && length < min)
        {
            errors.Add(new PolicyError(path, $"must have at least {min} item{(min == 1 ? "" : "s")}"));
        }

        if (schema.MaxItems is { } max && length > max)
        {
            errors.Add(new PolicyError(path, $"must have at most {max} item{(max == 1 ? "" : "s")}"));
        }

        if (schema.Items is { } items)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Validate(items, item, ItemPath(path, index++), errors);
            }
        }
    }

    private static bool Matches(JsonTypes types, JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => types.HasFlag(JsonTypes.Object),
        JsonValueKind.Array => types.HasFlag(JsonTypes.Array),
        JsonValueKind.String => types.HasFlag(JsonTypes.String),
        JsonValueKind.True or JsonValueKind.False => types.HasFlag(JsonTypes.Boolean),
        JsonValueKind.Null => types.HasFlag(JsonTypes.Null),

        // Strictly, 1.0 is an integer in JSON Schema; but the serializer reads an int only from an integer
        // literal, and the schema must refuse what the reader would.
        JsonValueKind.Number => types.HasFlag(JsonTypes.Number) || (types.HasFlag(JsonTypes.Integer) && value.TryGetInt64(out _)),
        _ => false,
    };

    private static string Describe(JsonTypes types)
    {
        var names = new List<string>();
        if (types.HasFlag(JsonTypes.Object)) names.Add("an object");
        if (types.HasFlag(JsonTypes.Array)) names.Add("an array");
        if (types.HasFlag(JsonTypes.String)) names.Add("a string");
        if (types.HasFlag(JsonTypes.Number)) names.Add("a number");
        else if (types.HasFlag(JsonTypes.Integer)) names.Add("an integer");
        if (types.HasFlag(JsonTypes.Boolean)) names.Add("a boolean (true or false)");
        if (types.HasFlag(JsonTypes.Null)) names.Add("null");
        return string.Join(" or ", names);
    }

    private static string Show(JsonElement value) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();

    private static string Show(decimal value) => value.ToString(CultureInfo.InvariantCulture);

    private Node Compile(JsonNode schema, string pointer)
    {
        if (compiled.TryGetValue(schema, out var done))
        {
            return done;
        }

        if (schema is not JsonObject obj)
        {
            throw new NotSupportedException($"The schema at {pointer} is not an object; boolean schemas are not supported.");
        }

        // Registered before its parts are compiled, so that a recursive $ref finds it.
        var node = new Node();
        compiled[schema] = node;

        foreach (var (key, value) in obj)
        {
            var at = $"{pointer}/{key}";
            if (Annotations.Contains(key))
            {
                continue;
            }

            if (!Keywords.Contains(key))
            {
                throw new NotSupportedException($"The JSON Schema keyword '{key}' at {pointer} is not supported by this validator.");
            }

            if (value is null)
            {
                throw new NotSupportedException($"The value of {at} is null.");
            }

            switch (key)
            {
                case "$ref":
                    node.Ref = Compile(Resolve(value.GetValue<string>(), at), value.GetValue<string>());
                    break;
                case "type":
                    node.Types = value is JsonArray list
                        ? list.Aggregate(JsonTypes.None, (all, t) => all | ParseType(t!.GetValue<string>(), at))
                        : ParseType(value.GetValue<string>(), at);
                    break;
                case "properties":
                    node.Properties = value.AsObject().ToDictionary(p => p.Key, p => Compile(p.Value!, $"{at}/{p.Key}"), StringComparer.Ordinal);
                    break;
                case "required":
                    node.Required = [.. value.AsArray().Select(r => r!.GetValue<string>())];
                    break;
                case "additionalProperties":
                    if (value is JsonValue flag && flag.GetValueKind() is JsonValueKind.True or JsonValueKind.False)
                    {
                        node.AdditionalAllowed = flag.GetValue<bool>();
                    }
                    else
                    {
                        node.AdditionalProperties = Compile(value, at);
                    }

                    break;
                case "items":
                    node.Items = Compile(value, at);
                    break;
                case "enum":
                    node.Enum = [.. value.AsArray().Select(v => JsonSerializer.SerializeToElement(v))];
                    break;
                case "const":
                    node.Const = JsonSerializer.SerializeToElement(value);
                    break;
                case "minimum":
                    node.Minimum = value.GetValue<decimal>();
                    break;
                case "maximum":
                    node.Maximum = value.GetValue<decimal>();
                    break;
                case "exclusiveMinimum":
                    node.ExclusiveMinimum = value.GetValue<decimal>();
                    break;
                case "exclusiveMaximum":
                    node.ExclusiveMaximum = value.GetValue<decimal>();
                    break;
                case "minLength":
                    node.MinLength = value.GetValue<int>();
                    break;
                case "maxLength":
                    node.MaxLength = value.GetValue<int>();
                    break;
                case "pattern":
                    node.Pattern = new Pattern(value.GetValue<string>());
                    break;
                case "minItems":
                    node.MinItems = value.GetValue<int>();
                    break;
                case "maxItems":
                    node.MaxItems = value.GetValue<int>();
                    break;
                case "minProperties":
                    node.MinProperties = value.GetValue<int>();
                    break;
                case "maxProperties":
                    node.MaxProperties = value.GetValue<int>();
                    break;
                case "format":
                    node.DateFormat = value.GetValue<string>() == "date"
                        ? true
                        : throw new NotSupportedException($"The format '{value.GetValue<string>()}' at {at} is not supported by this validator.");
                    break;
                case "anyOf":
                    node.AnyOf = [.. value.AsArray().Select((s, i) => Compile(s!, $"{at}/{i}"))];
                    break;
                case "oneOf":
                    var branches = value.AsArray();
                    node.OneOf = [.. branches.Select((s, i) => Compile(s!, $"{at}/{i}"))];
                    node.OneOfRequired = OnlyRequiredMembers(branches);
                    break;
            }
        }

        return node;
    }

    /// <summary>The members, when every branch is <c>{"required": [one member]}</c> — the "exactly one of" idiom.</summary>
    private static string[]? OnlyRequiredMembers(JsonArray branches)
    {
        var members = new List<string>();
        foreach (var branch in branches)
        {
            if (branch is not JsonObject obj || obj.Count != 1 || obj["required"] is not JsonArray { Count: 1 } required)
            {
                return null;
            }

            members.Add(required[0]!.GetValue<string>());
        }

        return [.. members];
    }

    private JsonNode Resolve(string reference, string at)
    {
        if (!reference.StartsWith('#'))
        {
            throw new NotSupportedException($"The reference '{reference}' at {at} is not within the schema; only '#/…' references are supported.");
        }

        var node = root;
        foreach (var raw in reference[1..].Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var token = Uri.UnescapeDataString(raw).Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            node = node switch
            {
                JsonObject obj when obj[token] is { } child => child,
                JsonArray array when int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < array.Count && array[i] is { } item => item,
                _ => throw new NotSupportedException($"The reference '{reference}' at {at} does not resolve."),
            };
        }

        return node;
    }

    private static JsonTypes ParseType(string name, string at) => name switch
    {
        "object" => JsonTypes.Object,
        "array" => JsonTypes.Array,
        "string" => JsonTypes.String,
        "number" => JsonTypes.Number,
        "integer" => JsonTypes.Integer,
        "boolean" => JsonTypes.Boolean,
        "null" => JsonTypes.Null,
        _ => throw new NotSupportedException($"The type '{name}' at {at} is not a JSON Schema type."),
    };

    [Flags]
    private enum JsonTypes
    {
        None = 0,
        Object = 1,
        Array = 2,
        String = 4,
        Number = 8,
        Integer = 16,
        Boolean = 32,
        Null = 64,
    }

    // Compiled once and only read afterwards, so one validator serves concurrent requests.
    private sealed class Node
    {
        public Node? Ref { get; set; }
        public JsonTypes Types { get; set; }
        public Dictionary<string, Node>? Properties { get; set; }
        public string[] Required { get; set; } = [];
        public bool AdditionalAllowed { get; set; } = true;
        public Node? AdditionalProperties { get; set; }
        public Node? Items { get; set; }
        public JsonElement[]? Enum { get; set; }
        public JsonElement? Const { get; set; }
        public decimal? Minimum { get; set; }
        public decimal? Maximum { get; set; }
        public decimal? ExclusiveMinimum { get; set; }
        public decimal? ExclusiveMaximum { get; set; }
        public int? MinLength { get; set; }
        public int? MaxLength { get; set; }
        public Pattern? Pattern { get; set; }
        public bool DateFormat { get; set; }
        public int? MinItems { get; set; }
        public int? MaxItems { get; set; }
        public int? MinProperties { get; set; }
        public int? MaxProperties { get; set; }
        public Node[]? AnyOf { get; set; }
        public Node[]? OneOf { get; set; }
        public string[]? OneOfRequired { get; set; }
    }

    private sealed class Pattern
    {
        public Pattern(string text)
        {
            Text = text;

            // ECMA-262 '$' ends the input; .NET's also matches before a final newline, which would let "id\n" pass.
            var dotnet = text.EndsWith('$') && !text.EndsWith(@"\$", StringComparison.Ordinal) ? text[..^1] + @"\z" : text;
            Regex = new Regex(dotnet, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        public string Text { get; }

        public Regex Regex { get; }
    }
}
