using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Shared.Tests.Storage.Tables;

/// <summary>The OData literal each interpolated value becomes; no service needed.</summary>
public class CreateQueryFilterTests
{
    [Fact]
    public void Strings_are_quoted_with_embedded_quotes_doubled()
    {
        var name = "O'Brien's";
        Assert.Equal("Name eq 'O''Brien''s'", TableClient.CreateQueryFilter($"Name eq {name}"));
        Assert.Equal("Name eq ''''", TableClient.CreateQueryFilter($"Name eq {"'"}"));
    }

    [Fact]
    public void An_injection_attempt_stays_inside_the_string_literal()
    {
        var hostile = "x' or PartitionKey ne '";
        Assert.Equal("PartitionKey eq 'x'' or PartitionKey ne '''", TableClient.CreateQueryFilter($"PartitionKey eq {hostile}"));
    }

    [Fact]
    public void Numbers_and_booleans_use_invariant_OData_spelling()
    {
        Assert.Equal("A eq 42 and B eq -7", TableClient.CreateQueryFilter($"A eq {42} and B eq {-7}"));
        Assert.Equal("L eq 9007199254740993L", TableClient.CreateQueryFilter($"L eq {(1L << 53) + 1}"));
        Assert.Equal("D eq 2.0 and E eq 0.1 and F eq -1.5E-07", TableClient.CreateQueryFilter($"D eq {2.0} and E eq {0.1} and F eq {-1.5e-7}"));
        Assert.Equal("T eq true and F eq false", TableClient.CreateQueryFilter($"T eq {true} and F eq {false}"));
    }

    [Fact]
    public void Numbers_ignore_the_current_culture()
    {
        var saved = Thread.CurrentThread.CurrentCulture;
        try
        {
            Thread.CurrentThread.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("D eq 1.25", TableClient.CreateQueryFilter($"D eq {1.25}"));
        }
        finally
        {
            Thread.CurrentThread.CurrentCulture = saved;
        }
    }

    [Fact]
    public void Dates_are_UTC_ISO_8601_with_seven_fraction_digits()
    {
        var offset = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.FromHours(8)).AddTicks(1234567);
        var utc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var unspecified = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Unspecified);

        Assert.Equal("T ge datetime'2026-11-22T02:00:00.1234567Z'", TableClient.CreateQueryFilter($"T ge {offset}"));
        Assert.Equal("T lt datetime'2026-01-02T03:04:05.0000000Z'", TableClient.CreateQueryFilter($"T lt {utc}"));
        Assert.Equal("T lt datetime'2026-01-02T03:04:05.0000000Z'", TableClient.CreateQueryFilter($"T lt {unspecified}"));
    }

    [Fact]
    public void Guids_and_binary_get_their_typed_literals()
    {
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        Assert.Equal("Id eq guid'0f8fad5b-d9cb-469f-a165-70867728950e'", TableClient.CreateQueryFilter($"Id eq {id}"));
        Assert.Equal("B eq X'00ab10ff'", TableClient.CreateQueryFilter($"B eq {new byte[] { 0x00, 0xAB, 0x10, 0xFF }}"));
        Assert.Equal("B eq X'0102'", TableClient.CreateQueryFilter($"B eq {BinaryData.FromBytes([1, 2])}"));
    }

    [Fact]
    public void Null_becomes_the_null_literal_and_unsupported_values_are_refused()
    {
        string? nothing = null;
        Assert.Equal("A eq null", TableClient.CreateQueryFilter($"A eq {nothing}"));
        Assert.Throws<ArgumentException>(() => TableClient.CreateQueryFilter($"A eq {1.5m}"));
        Assert.Throws<ArgumentException>(() => TableClient.CreateQueryFilter($"A eq {double.NaN}"));
    }

    [Fact]
    public void Literal_text_around_the_values_is_left_alone()
    {
        Assert.Equal("PartitionKey eq 'p' and (RowKey ge 'a' or RowKey lt 'b')",
            TableClient.CreateQueryFilter($"PartitionKey eq {"p"} and (RowKey ge {"a"} or RowKey lt {"b"})"));
        Assert.Equal("RowKey eq 'a'", TableClient.CreateQueryFilter($"RowKey eq 'a'"));
    }
}
