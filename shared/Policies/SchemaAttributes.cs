namespace LandRedevelopment.Policies;

// These attributes carry the constraints that the CLR types cannot say (a decimal is not "a share", a string
// is not "an id"), so that the JSON Schema, the docs generated from it and the validator all read them from
// the one place the model is written. PolicySchema turns each into the JSON Schema keyword of the same name.

/// <summary>Numeric bounds of a member: <c>minimum</c> (or <c>exclusiveMinimum</c>) and <c>maximum</c> in the schema.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SchemaRangeAttribute : Attribute
{
    /// <summary>A lower bound only (e.g. a tolerance ≥ 0).</summary>
    public SchemaRangeAttribute(double minimum)
        : this(minimum, double.PositiveInfinity)
    {
    }

    /// <summary>Both bounds; <paramref name="exclusiveMinimum"/> makes the lower one strict (e.g. a share: 0 &lt; x ≤ 1).</summary>
    public SchemaRangeAttribute(double minimum, double maximum, bool exclusiveMinimum = false)
    {
        Minimum = minimum;
        Maximum = maximum;
        ExclusiveMinimum = exclusiveMinimum;
    }

    /// <summary>The lower bound.</summary>
    public double Minimum { get; }

    /// <summary>The upper bound (inclusive); positive infinity when there is none.</summary>
    public double Maximum { get; }

    /// <summary>True when the value must be greater than <see cref="Minimum"/>, not equal to it.</summary>
    public bool ExclusiveMinimum { get; }
}

/// <summary>A string member (or the strings of a list member) must match this regular expression: <c>pattern</c> in the schema.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SchemaPatternAttribute(string pattern) : Attribute
{
    /// <summary>Lower-case letters, digits and hyphens, starting with a letter or digit (codes and ids, e.g. art4-2-idle).</summary>
    public const string LowerCaseId = "^[a-z0-9][a-z0-9-]*$";

    /// <summary>A camelCase name (survey attribute names, e.g. floorAreaRatio).</summary>
    public const string CamelCaseName = "^[a-z][A-Za-z0-9]*$";

    /// <summary>The regular expression, anchored.</summary>
    public string Pattern { get; } = pattern;
}

/// <summary>A list member must have at least this many items: <c>minItems</c> in the schema.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SchemaMinItemsAttribute(int minItems) : Attribute
{
    /// <summary>The fewest items allowed.</summary>
    public int MinItems { get; } = minItems;
}

/// <summary>A member that has exactly one allowed value: <c>const</c> in the schema.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false)]
public sealed class SchemaConstAttribute(int value) : Attribute
{
    /// <summary>The only value allowed.</summary>
    public int Value { get; } = value;
}

/// <summary>
/// Exactly one of the named members is present: a <c>oneOf</c> of single-member <c>required</c> sets in the schema.
/// With no names, all the type's members form the set.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SchemaExactlyOneAttribute(params string[] members) : Attribute
{
    /// <summary>The CLR property names of the set (empty: every member).</summary>
    public IReadOnlyList<string> Members { get; } = members;
}
