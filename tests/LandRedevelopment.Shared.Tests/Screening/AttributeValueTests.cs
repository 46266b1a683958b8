using System.Text.Json;
using LandRedevelopment.Policies;
using LandRedevelopment.Screening;

namespace LandRedevelopment.Shared.Tests.Screening;

public class AttributeValueTests
{
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement.Clone();

    [Fact]
    public void Reads_each_type_from_its_json_form()
    {
        Assert.True(AttributeValue.FromJson(Json("true"), AttributeType.Boolean).AsBoolean());
        Assert.Equal(0.90m, AttributeValue.FromJson(Json("0.90"), AttributeType.Number).AsNumber());
        Assert.Equal("0.90", AttributeValue.FromJson(Json("0.90"), AttributeType.Number).ToString());
        Assert.Equal(new DateOnly(2024, 2, 29), AttributeValue.FromJson(Json("\"2024-02-29\""), AttributeType.Date).AsDate());
        Assert.Equal("白碱滩区", AttributeValue.FromJson(Json("\"白碱滩区\""), AttributeType.String).AsString());
    }

    [Theory]
    [InlineData("\"true\"", AttributeType.Boolean, "Expected a boolean (true or false), got the string \"true\".")]
    [InlineData("1", AttributeType.Boolean, "Expected a boolean (true or false), got the number 1.")]
    [InlineData("\"0.85\"", AttributeType.Number, "Expected a number, got the string \"0.85\".")]
    [InlineData("1e400", AttributeType.Number, "Expected a number within the decimal range, got the number 1e400.")]
    [InlineData("\"2024/02/29\"", AttributeType.Date, "Expected a date as yyyy-MM-dd, got the string \"2024/02/29\".")]
    [InlineData("\"2025-02-29\"", AttributeType.Date, "Expected a date as yyyy-MM-dd, got the string \"2025-02-29\".")]
    [InlineData("20240229", AttributeType.Date, "Expected a date as yyyy-MM-dd, got the number 20240229.")]
    [InlineData("null", AttributeType.String, "Expected a string, got null.")]
    [InlineData("{}", AttributeType.String, "Expected a string, got an object.")]
    public void A_wrong_type_is_reported_clearly(string json, AttributeType type, string message)
    {
        var error = Assert.Throws<AttributeValueException>(() => AttributeValue.FromJson(Json(json), type));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Reads_a_surveys_attributes_against_the_policy_and_names_the_bad_field()
    {
        AttributeDefinition[] definitions =
        [
            new() { Name = "idleSince", Type = AttributeType.Date, Description = "空闲起始日期" },
            new() { Name = "floorAreaRatio", Type = AttributeType.Number, Description = "容积率" },
        ];

        var values = AttributeValue.ReadAttributes(Json("""{"idleSince":"2025-06-01","floorAreaRatio":null}"""), definitions);
        Assert.Equal(["idleSince"], values.Keys);

        var wrong = Assert.Throws<AttributeValueException>(() => AttributeValue.ReadAttributes(Json("""{"floorAreaRatio":"high"}"""), definitions));
        Assert.Equal("floorAreaRatio", wrong.Attribute);
        Assert.Equal("Attribute 'floorAreaRatio' must be a number, got the string \"high\".", wrong.Message);

        var unknown = Assert.Throws<AttributeValueException>(() => AttributeValue.ReadAttributes(Json("""{"idelSince":"2025-06-01"}"""), definitions));
        Assert.Equal("idelSince", unknown.Attribute);

        Assert.Throws<AttributeValueException>(() => AttributeValue.ReadAttributes(Json("[]"), definitions));
    }

    [Fact]
    public void Serializes_as_plain_json_values_and_reads_them_back()
    {
        var values = new Dictionary<string, AttributeValue>
        {
            ["flag"] = true,
            ["far"] = 0.90m,
            ["since"] = new DateOnly(2024, 2, 29),
            ["district"] = "向阳区",
        };

        var json = JsonSerializer.Serialize(values, PolicyJson.Options);
        var back = JsonSerializer.Deserialize<Dictionary<string, AttributeValue>>(json, PolicyJson.Options)!;

        Assert.Contains("\"far\": 0.90", json, StringComparison.Ordinal);
        Assert.Contains("\"since\": \"2024-02-29\"", json, StringComparison.Ordinal);
        Assert.Contains("\"district\": \"向阳区\"", json, StringComparison.Ordinal);
        Assert.Equal(values, back);
    }

    [Fact]
    public void Asking_for_the_wrong_kind_throws()
    {
        AttributeValue value = 3m;
        Assert.Equal(AttributeType.Number, value.Type);
        Assert.Throws<InvalidOperationException>(() => value.AsBoolean());
    }
}
