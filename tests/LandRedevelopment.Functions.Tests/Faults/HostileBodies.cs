using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// Mutations of a valid JSON body, from a seeded <see cref="Random"/>. Some can never give a valid body (a strict prefix
/// of an object, bytes that are not UTF-8, nesting past any limit, a member of the wrong type, a member nobody knows);
/// the others may happen to give a valid one, so they go only where even a valid body is refused.
/// </summary>
public static class HostileBodies
{
    public static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] AlwaysInvalid =
        ["truncated", "invalid UTF-8", "deep nesting", "wrong type", "huge number", "unknown member", "not an object", "duplicate key, both bad"];

    private static readonly string[] MaybeValid = ["duplicate key, bad first", "duplicate key, both good", "junk value"];

    private static readonly string[] HugeNumbers =
        ["1e309", "-1e309", "1e400", "-1e30", "1" + new string('0', 400), "123456789012345678901234567890.123456789", "9223372036854775808", "-9223372036854775809", "1.7976931348623157e308"];

    private static readonly byte[][] BadUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x80], [0xE4, 0xB8], [0xF4, 0x90, 0x80, 0x80], [0xC3, 0x28],
    ];

    /// <summary>A mutation of <paramref name="valid"/>: its kind and the bytes to send.</summary>
    public static (string Kind, byte[] Body) Mutate(JsonObject valid, bool mayBeValid, Random random)
    {
        ArgumentNullException.ThrowIfNull(valid);
        ArgumentNullException.ThrowIfNull(random);
        var kinds = mayBeValid ? AlwaysInvalid.Concat(MaybeValid).ToArray() : AlwaysInvalid;
        var kind = kinds[random.Next(kinds.Length)];
        var text = valid.ToJsonString(Relaxed);
        var member = valid.Select(p => p.Key).ElementAt(random.Next(valid.Count));
        var body = kind switch
        {
            "truncated" => Truncate(Encoding.UTF8.GetBytes(text), random),
            "invalid UTF-8" => InsertBadUtf8(Encoding.UTF8.GetBytes(text), random),
            "deep nesting" => Utf8(Replace(valid, member, Nesting(random))),
            "wrong type" => Utf8(Replace(valid, member, WrongType(valid[member], random))),
            "huge number" => Utf8(Replace(valid, member, HugeNumbers[random.Next(HugeNumbers.Length)])),
            "unknown member" => Utf8(text[..^1] + $",\"hostile{random.Next(1000)}\":{Junk(random)}}}"),
            "not an object" => Utf8(NotAnObject(text, random)),
            "duplicate key, both bad" => Utf8(Replace(valid, member, WrongType(valid[member], random))[..^1] + $",{Quote(member)}:{WrongType(valid[member], random)}}}"),
            "duplicate key, bad first" => Utf8("{" + $"{Quote(member)}:{WrongType(valid[member], random)}," + text[1..]),
            "duplicate key, both good" => Utf8("{" + $"{Quote(member)}:{valid[member]?.ToJsonString(Relaxed) ?? "null"}," + text[1..]),
            _ => Utf8(JunkValue(valid, random)),
        };
        return (kind, body);
    }

    /// <summary>The body with <paramref name="member"/>'s value replaced by raw JSON text.</summary>
    public static string Replace(JsonObject valid, string member, string rawValue)
    {
        ArgumentNullException.ThrowIfNull(valid);
        const string Marker = "\"@@hostile-marker@@\"";
        var copy = valid.DeepClone().AsObject();
        copy[member] = "@@hostile-marker@@";
        return copy.ToJsonString(Relaxed).Replace(Marker, rawValue, StringComparison.Ordinal);
    }

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A value of another JSON kind than <paramref name="node"/> (never null: a null may read as "absent", which is allowed where a member is optional).</summary>
    public static string WrongType(JsonNode? node, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        string[] choices = node?.GetValueKind() switch
        {
            JsonValueKind.String => ["123", "true", "[]", "{}", "[\"x\"]", "{\"a\":\"b\"}", "-0.5"],
            JsonValueKind.Number => ["\"1\"", "true", "[]", "{}", "[1]", "\"NaN\""],
            JsonValueKind.True or JsonValueKind.False => ["\"true\"", "1", "[]", "{}", "\"yes\""],
            JsonValueKind.Array => ["\"x\"", "1", "true", "{}", "{\"0\":\"x\"}"],
            JsonValueKind.Object => ["\"x\"", "1", "true", "[]", "[{}]"],
            _ => ["1", "\"x\"", "[]"],
        };
        return choices[random.Next(choices.Length)];
    }

    private static byte[] Truncate(byte[] bytes, Random random) => bytes[..random.Next(1, bytes.Length - 1)];

    private static byte[] InsertBadUtf8(byte[] bytes, Random random)
    {
        var quotes = Enumerable.Range(0, bytes.Length).Where(i => bytes[i] == (byte)'"').ToList();
        var at = quotes[random.Next(quotes.Count)] + 1;
        return [.. bytes[..at], .. BadUtf8[random.Next(BadUtf8.Length)], .. bytes[at..]];
    }

    private static string Nesting(Random random)
    {
        var depth = new[] { 20, 63, 65, 200, 5000 }[random.Next(5)];
        return random.Next(2) == 0
            ? new string('[', depth) + "1" + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
    }

    private static string NotAnObject(string text, Random random)
    {
        string[] choices = ["[]", "\"x\"", "1", "null", "true", "[" + text + "]", JsonSerializer.Serialize(text), "{} {}", text + text];
        return choices[random.Next(choices.Length)];
    }

    private static string Junk(Random random)
    {
        string[] choices = ["null", "0", "-1", "1e308", "\"\"", "\"x\"", "true", "[]", "{}", "[[]]", "\"2026-02-30\"", "\"../\"", JsonSerializer.Serialize(new string('长', 3000), Relaxed), "\"\\u0000\"", "\"\\ud800\""];
        return choices[random.Next(choices.Length)];
    }

    /// <summary>One node anywhere in the body replaced by junk or removed (may give a valid body).</summary>
    private static string JunkValue(JsonObject valid, Random random)
    {
        var copy = valid.DeepClone().AsObject();
        ReplaceRandomNode(copy, random, JunkValues);
        return copy.ToJsonString(Relaxed);
    }

    private static readonly JsonNode?[] JunkValues =
        [null, 0, -1, 1e308, "", "x", true, new JsonArray(), new JsonObject(), new JsonArray(new JsonArray()), "2026-02-30", "../", new string('长', 3000), "\0", "\ud800"];

    /// <summary>Replaces one member or element anywhere under <paramref name="root"/> with a copy of one of <paramref name="junk"/>, or (a quarter of the time, for a member) removes it.</summary>
    public static void ReplaceRandomNode(JsonNode root, Random random, JsonNode?[] junk)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(junk);
        var nodes = new List<(JsonNode Parent, object Key)>();
        Collect(root, nodes);
        var (parent, key) = nodes[random.Next(nodes.Count)];
        var replacement = junk[random.Next(junk.Length)]?.DeepClone();
        switch (parent, key)
        {
            case (JsonObject o, string k) when random.Next(4) == 0: o.Remove(k); break;
            case (JsonObject o, string k): o[k] = replacement; break;
            case (JsonArray a, int index): a[index] = replacement; break;
        }
    }

    private static void Collect(JsonNode node, List<(JsonNode, object)> into)
    {
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o.ToList())
            {
                into.Add((o, k));
                if (v is not null)
                {
                    Collect(v, into);
                }
            }
        }
        else if (node is JsonArray a)
        {
            for (var i = 0; i < a.Count; i++)
            {
                into.Add((a, i));
                if (a[i] is { } child)
                {
                    Collect(child, into);
                }
            }
        }
    }

    private static string Quote(string s) => JsonSerializer.Serialize(s, Relaxed);
}
