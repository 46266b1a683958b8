using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Azure;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// A table entity: a case-sensitive bag of typed properties, including <c>PartitionKey</c>, <c>RowKey</c>
/// and (when read from the service) <c>Timestamp</c>.
/// </summary>
/// <remarks>
/// Values the service can store: <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="DateTimeOffset"/>, <see cref="DateTime"/>, <see cref="Guid"/>,
/// <see cref="T:byte[]"/> and <see cref="BinaryData"/>. A null value is not sent at all.
/// Entities read back carry <see cref="DateTimeOffset"/> for dates and <see cref="T:byte[]"/> for binary.
/// </remarks>
public sealed class TableEntity : IDictionary<string, object?>
{
    private const string PartitionKeyName = "PartitionKey";
    private const string RowKeyName = "RowKey";
    private const string TimestampName = "Timestamp";

    private readonly Dictionary<string, object?> _properties = new(StringComparer.Ordinal);

    /// <summary>Creates an empty entity.</summary>
    public TableEntity()
    {
    }

    /// <summary>Creates an entity with its keys.</summary>
    public TableEntity(string partitionKey, string rowKey)
    {
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    /// <summary>Creates an entity holding a copy of <paramref name="properties"/>.</summary>
    public TableEntity(IDictionary<string, object?> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        foreach (var (key, value) in properties)
        {
            _properties[key] = value;
        }
    }

    /// <summary>The partition key: entities sharing it live together and can be changed in one transaction.</summary>
    public string? PartitionKey
    {
        get => GetString(PartitionKeyName);
        set => _properties[PartitionKeyName] = value;
    }

    /// <summary>The row key, unique within the partition.</summary>
    public string? RowKey
    {
        get => GetString(RowKeyName);
        set => _properties[RowKeyName] = value;
    }

    /// <summary>When the service last changed the entity; set by the service, never sent.</summary>
    public DateTimeOffset? Timestamp
    {
        get => GetDateTimeOffset(TimestampName);
        set => _properties[TimestampName] = value;
    }

    /// <summary>The entity's version, for optimistic concurrency (<c>If-Match</c>); <c>default</c> when unknown.</summary>
    public ETag ETag { get; set; }

    /// <inheritdoc />
    public int Count => _properties.Count;

    /// <inheritdoc />
    public bool IsReadOnly => false;

    /// <inheritdoc />
    public ICollection<string> Keys => _properties.Keys;

    /// <inheritdoc />
    public ICollection<object?> Values => _properties.Values;

    /// <inheritdoc />
    public object? this[string key]
    {
        get => _properties[key];
        set => _properties[key] = value;
    }

    /// <summary>The string value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not a string.</exception>
    public string? GetString(string key) => GetValue(key) switch
    {
        null => null,
        string s => s,
        var other => throw Mismatch(key, other, "String"),
    };

    /// <summary>The Int32 value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not an Int32.</exception>
    public int? GetInt32(string key) => GetValue(key) switch
    {
        null => null,
        int i => i,
        var other => throw Mismatch(key, other, "Int32"),
    };

    /// <summary>The Int64 value of <paramref name="key"/> (an Int32 widens), or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not an integer.</exception>
    public long? GetInt64(string key) => GetValue(key) switch
    {
        null => null,
        long l => l,
        int i => i,
        var other => throw Mismatch(key, other, "Int64"),
    };

    /// <summary>The Double value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not a Double.</exception>
    public double? GetDouble(string key) => GetValue(key) switch
    {
        null => null,
        double d => d,
        var other => throw Mismatch(key, other, "Double"),
    };

    /// <summary>The Boolean value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not a Boolean.</exception>
    public bool? GetBoolean(string key) => GetValue(key) switch
    {
        null => null,
        bool b => b,
        var other => throw Mismatch(key, other, "Boolean"),
    };

    /// <summary>The date-time value of <paramref name="key"/>, or null when absent. A <see cref="DateTime"/> of unspecified kind counts as UTC.</summary>
    /// <exception cref="InvalidOperationException">The value is not a date-time.</exception>
    public DateTimeOffset? GetDateTimeOffset(string key) => GetValue(key) switch
    {
        null => null,
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(TableValues.ToUtc(d)),
        var other => throw Mismatch(key, other, "DateTime"),
    };

    /// <summary>The date-time value of <paramref name="key"/> as a UTC <see cref="DateTime"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not a date-time.</exception>
    public DateTime? GetDateTime(string key) => GetDateTimeOffset(key)?.UtcDateTime;

    /// <summary>The Guid value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not a Guid.</exception>
    public Guid? GetGuid(string key) => GetValue(key) switch
    {
        null => null,
        Guid g => g,
        var other => throw Mismatch(key, other, "Guid"),
    };

    /// <summary>The binary value of <paramref name="key"/>, or null when absent.</summary>
    /// <exception cref="InvalidOperationException">The value is not binary.</exception>
    public byte[]? GetBinary(string key) => GetValue(key) switch
    {
        null => null,
        byte[] b => b,
        BinaryData b => b.ToArray(),
        var other => throw Mismatch(key, other, "Binary"),
    };

    /// <inheritdoc />
    public void Add(string key, object? value) => _properties.Add(key, value);

    /// <inheritdoc />
    public bool ContainsKey(string key) => _properties.ContainsKey(key);

    /// <inheritdoc />
    public bool Remove(string key) => _properties.Remove(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out object? value) => _properties.TryGetValue(key, out value);

    /// <inheritdoc />
    public void Add(KeyValuePair<string, object?> item) => _properties.Add(item.Key, item.Value);

    /// <inheritdoc />
    public void Clear() => _properties.Clear();

    /// <inheritdoc />
    public bool Contains(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Contains(item);

    /// <inheritdoc />
    public void CopyTo(KeyValuePair<string, object?>[] array, int arrayIndex) =>
        ((ICollection<KeyValuePair<string, object?>>)_properties).CopyTo(array, arrayIndex);

    /// <inheritdoc />
    public bool Remove(KeyValuePair<string, object?> item) => ((ICollection<KeyValuePair<string, object?>>)_properties).Remove(item);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private object? GetValue(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _properties.TryGetValue(key, out var value) ? value : null;
    }

    private static InvalidOperationException Mismatch(string key, object value, string wanted) =>
        new($"Property '{key}' holds a {value.GetType().Name}, not a {wanted}.");
}
