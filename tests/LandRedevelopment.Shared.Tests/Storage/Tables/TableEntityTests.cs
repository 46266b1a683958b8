using Azure;
using LandRedevelopment.Storage.Tables;

namespace LandRedevelopment.Shared.Tests.Storage.Tables;

/// <summary>The entity bag and its typed getters; no service needed.</summary>
public class TableEntityTests
{
    [Fact]
    public void Keys_are_case_sensitive_and_the_well_known_properties_live_in_the_bag()
    {
        var entity = new TableEntity("p", "r") { ["name"] = "lower", ["Name"] = "upper" };

        Assert.Equal("lower", entity["name"]);
        Assert.Equal("upper", entity["Name"]);
        Assert.Equal("p", entity["PartitionKey"]);
        Assert.Equal("r", entity["RowKey"]);
        Assert.Equal(4, entity.Count);
        Assert.False(entity.ContainsKey("NAME"));
    }

    [Fact]
    public void Typed_getters_return_null_for_absent_or_null_properties()
    {
        var entity = new TableEntity { ["Null"] = null };

        Assert.Null(entity.GetString("Missing"));
        Assert.Null(entity.GetInt32("Missing"));
        Assert.Null(entity.GetInt64("Null"));
        Assert.Null(entity.GetDouble("Missing"));
        Assert.Null(entity.GetBoolean("Missing"));
        Assert.Null(entity.GetDateTimeOffset("Missing"));
        Assert.Null(entity.GetDateTime("Missing"));
        Assert.Null(entity.GetGuid("Missing"));
        Assert.Null(entity.GetBinary("Missing"));
        Assert.Null(entity.PartitionKey);
        Assert.Null(entity.Timestamp);
        Assert.Equal(default, entity.ETag);
    }

    [Fact]
    public void Typed_getters_throw_InvalidOperationException_on_a_type_mismatch()
    {
        var entity = new TableEntity { ["Text"] = "42", ["Int"] = 42, ["Long"] = 42L, ["Double"] = 42.0 };

        var e = Assert.Throws<InvalidOperationException>(() => entity.GetInt32("Text"));
        Assert.Contains("Text", e.Message);
        Assert.Throws<InvalidOperationException>(() => entity.GetString("Int"));
        Assert.Throws<InvalidOperationException>(() => entity.GetInt32("Long"));
        Assert.Throws<InvalidOperationException>(() => entity.GetDouble("Int"));
        Assert.Throws<InvalidOperationException>(() => entity.GetInt64("Double"));
        Assert.Throws<InvalidOperationException>(() => entity.GetBoolean("Int"));
        Assert.Throws<InvalidOperationException>(() => entity.GetGuid("Text"));
        Assert.Throws<InvalidOperationException>(() => entity.GetBinary("Text"));
        Assert.Throws<InvalidOperationException>(() => entity.GetDateTimeOffset("Text"));
    }

    [Fact]
    public void Int32_widens_to_Int64_and_dates_convert_between_DateTime_and_DateTimeOffset()
    {
        var utc = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        var entity = new TableEntity
        {
            ["Int"] = 7,
            ["Date"] = utc,
            ["Offset"] = new DateTimeOffset(2026, 1, 2, 11, 4, 5, TimeSpan.FromHours(8)),
            ["Data"] = BinaryData.FromBytes([1, 2]),
        };

        Assert.Equal(7L, entity.GetInt64("Int"));
        Assert.Equal(new DateTimeOffset(utc), entity.GetDateTimeOffset("Date"));
        Assert.Equal(utc, entity.GetDateTime("Offset"));
        Assert.Equal(DateTimeKind.Utc, entity.GetDateTime("Offset")!.Value.Kind);
        Assert.Equal(new byte[] { 1, 2 }, entity.GetBinary("Data"));
    }

    [Fact]
    public void The_dictionary_contract_holds()
    {
        IDictionary<string, object?> entity = new TableEntity(new Dictionary<string, object?> { ["A"] = 1 });
        entity.Add("B", 2);

        Assert.True(entity.TryGetValue("A", out var a));
        Assert.Equal(1, a);
        Assert.Throws<ArgumentException>(() => entity.Add("A", 3));
        Assert.Throws<KeyNotFoundException>(() => entity["Missing"]);
        Assert.True(entity.Remove("A"));
        Assert.Equal(["B"], entity.Keys);
        ((TableEntity)entity).ETag = new ETag("W/\"x\"");
        Assert.Equal(["B"], entity.Keys); // the ETag is metadata, not a property
    }
}
