using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace LandRedevelopment.Finance;

/// <summary>
/// Writes <see cref="Money"/> as a JSON number in yuan with exactly two decimals (<c>1234.50</c>) and reads
/// a JSON number or string in yuan, refusing anything not kept to the fen.
/// </summary>
/// <remarks>
/// <para>
/// A number, not a string, so that clients and reports see an amount; always two decimals so that
/// the written figure is the figure on the notice. A reader must parse it as a decimal, not a double,
/// to keep it exact.
/// </para>
/// <para>
/// Reading accepts a string too (any form <see cref="Money.TryParse(string?, out Money)"/> accepts,
/// e.g. <c>"¥1,234.56"</c>), since amounts are often typed into forms. A number or string with more
/// than two decimals is rejected with a <see cref="JsonException"/> even when the extra decimals are
/// zeros: money is kept to the fen, and rounding here would hide an error in the sender's figures.
/// </para>
/// </remarks>
public sealed class MoneyJsonConverter : JsonConverter<Money>
{
    internal const string FenMessage = "money is kept to the fen (two decimals)";

    /// <inheritdoc />
    public override Money Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return ReadNumber(ref reader);
            case JsonTokenType.String:
                var text = reader.GetString()!;
                if (Money.TryParse(text, out var parsed, out var tooManyDecimals))
                {
                    return parsed;
                }

                throw new JsonException(tooManyDecimals
                    ? $"The amount \"{text}\" has more than two decimals: {FenMessage}."
                    : $"The amount \"{text}\" is not an amount in yuan such as 1234.56; {FenMessage}.");
            default:
                throw new JsonException($"An amount of money is a number or a string in yuan, not {reader.TokenType}; {FenMessage}.");
        }
    }

    private static Money ReadNumber(ref Utf8JsonReader reader)
    {
        var raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan.ToArray();
        var text = Encoding.UTF8.GetString(raw);
        if (!reader.TryGetDecimal(out var yuan))
        {
            throw new JsonException($"The amount {text} is out of range for money.");
        }

        // The written decimals are checked as well as the value, so that 1.230 is refused like "1.230"
        // would be; the value check catches exponent forms such as 1e-3.
        var point = text.IndexOf('.', StringComparison.Ordinal);
        var exponent = text.IndexOfAny(['e', 'E']);
        var writtenDecimals = point < 0 ? 0 : (exponent < 0 ? text.Length : exponent) - point - 1;
        if (writtenDecimals > 2 || decimal.Round(yuan, 2) != yuan)
        {
            throw new JsonException($"The amount {text} has more than two decimals: {FenMessage}.");
        }

        try
        {
            return Money.FromYuan(yuan);
        }
        catch (OverflowException e)
        {
            throw new JsonException($"The amount {text} is out of range for money.", e);
        }
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, Money value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        // Raw, because WriteNumberValue(decimal) would drop the scale we want (1234.5 for 1234.50).
        writer.WriteRawValue(value.Yuan.ToString("0.00", CultureInfo.InvariantCulture), skipInputValidation: true);
    }
}
