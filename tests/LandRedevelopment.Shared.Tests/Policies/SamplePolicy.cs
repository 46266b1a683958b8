using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Policies;

namespace LandRedevelopment.Shared.Tests.Policies;

/// <summary>
/// A small, valid policy of a made-up city (示例市): two land uses, a few attributes, one criterion of each rule
/// kind, a park chain and a default chain of two steps, price bases and instalment rules. Each list that has ids
/// has at least two items, so that a test can make two of them collide without breaking anything else.
/// </summary>
internal static class SamplePolicy
{
    public const string Json = """
        {
          "schemaVersion": 1,
          "name": "《示例市低效用地再开发管理办法》",
          "jurisdiction": "示例市",
          "sources": [
            { "id": "示例市", "title": "示例市低效用地再开发管理办法", "issued": "2024-03-01", "inForce": "2024-04-01", "status": "inForce" },
            { "id": "省指导意见", "title": "省低效用地再开发指导意见（征求意见稿）", "status": "draftForComment" }
          ],
          "landUses": [
            { "code": "industrial", "name": "工业用地" },
            { "code": "commercial", "name": "商业用地" }
          ],
          "attributes": [
            { "name": "ownershipClear", "type": "boolean", "description": "Ownership is clear and undisputed." },
            { "name": "heritageListed", "type": "boolean", "description": "The parcel is on the heritage list." },
            { "name": "idleLandDetermined", "type": "boolean", "description": "Determined idle land (闲置土地)." },
            { "name": "floorAreaRatio", "type": "number", "description": "Built floor area ratio." },
            { "name": "planFloorAreaRatioLowerLimit", "type": "number", "description": "The plan's lower FAR limit." },
            { "name": "outputPerMu", "type": "number", "description": "Annual output per mu.", "unit": "万元/亩" },
            { "name": "idleSince", "type": "date", "description": "Date the land stopped being used." },
            { "name": "industryCategory", "type": "string", "description": "Industry catalogue category." },
            { "name": "planCompliant", "type": "boolean", "description": "The use complies with the land-use plan." }
          ],
          "screening": {
            "preconditions": [
              { "id": "ownership-clear", "description": "产权清晰", "source": "示例市 art. 3", "rule": { "flag": "ownershipClear" } },
              { "id": "not-heritage", "description": "非文物保护", "source": "示例市 art. 3", "rule": { "not": { "flag": "heritageListed" } } }
            ],
            "exemptions": [
              { "id": "commercial-core", "description": "商业核心区", "source": "示例市 art. 5", "rule": { "attributeIn": { "attribute": "zone", "values": ["core"] } } },
              { "id": "large-parcel", "description": "大宗地块", "source": "示例市 art. 5", "rule": { "compare": { "attribute": "parcelAreaM2", "over": 1000000 } } }
            ],
            "exclusions": [
              { "id": "idle-land", "description": "闲置土地", "source": "示例市 art. 6", "rule": { "flag": "idleLandDetermined" } },
              { "id": "idle-land-2", "description": "闲置土地（另）", "source": "示例市 art. 6", "rule": { "flag": "idleLandDetermined" } }
            ],
            "criteria": [
              { "id": "art4-1-low-far", "description": "工业用地容积率低于规划下限的50%", "source": "示例市 art. 4(1)",
                "rule": { "allOf": [ { "landUseIn": ["industrial"] }, { "ratio": { "numerator": "floorAreaRatio", "denominator": "planFloorAreaRatioLowerLimit", "below": 0.5 } } ] } },
              { "id": "art4-2-idle", "description": "停产两年以上", "source": "示例市 art. 4(2)",
                "rule": { "duration": { "since": "idleSince", "atLeast": { "years": 2 } } } },
              { "id": "art4-3-low-output", "description": "亩均产出低", "source": "示例市 art. 4(3)",
                "rule": { "anyOf": [ { "compare": { "attribute": "outputPerMu", "below": 100 } }, { "compare": { "attribute": "parcelAreaM2", "below": 500 } } ] } },
              { "id": "art4-4-outdated", "description": "淘汰类产业", "source": "示例市 art. 4(4)",
                "rule": { "attributeIn": { "attribute": "industryCategory", "values": ["eliminated", "restricted"] } } },
              { "id": "art4-5-non-compliant", "description": "不符合规划", "source": "示例市 art. 4(5)",
                "rule": { "not": { "flag": "planCompliant" } } }
            ]
          },
          "review": {
            "determinationChains": [
              { "id": "park-committee", "name": "园区管委会认定", "source": "示例市 art. 8",
                "when": { "attributeIn": { "attribute": "district", "values": ["high-tech-park"] } },
                "steps": [
                  { "id": "park-investigation", "name": "园区调查", "role": "park-committee", "timeLimit": { "period": { "workingDays": 10 } }, "source": "示例市 art. 8" },
                  { "id": "park-determination", "name": "园区认定", "role": "park-committee", "timeLimit": { "period": { "workingDays": 5 } }, "source": "示例市 art. 8", "issuesDecision": true }
                ] },
              { "id": "standard", "name": "区局调查 → 市局认定", "source": "示例市 art. 7",
                "steps": [
                  { "id": "district-investigation", "name": "区自然资源局调查", "role": "district-bureau:{district}", "timeLimit": { "period": { "workingDays": 15 } }, "source": "示例市 art. 7" },
                  { "id": "city-determination", "name": "市局认定", "role": "city-bureau", "timeLimit": { "period": { "days": 30 }, "isDefault": true, "source": "no limit in the source" }, "source": "示例市 art. 7", "issuesDecision": true }
                ] }
            ],
            "planGates": [
              { "id": "soil-survey", "description": "土壤污染状况调查", "source": "示例市 art. 12", "when": { "attributeIn": { "attribute": "newLandUse", "values": ["residential"] } }, "requiredDocument": "soil-survey", "approvedBy": ["environment-bureau"] },
              { "id": "commercial-only", "description": "仅商业用地", "source": "示例市 art. 12", "when": { "landUseIn": ["commercial"] }, "requiredDocument": "traffic-study" }
            ],
            "reminderBefore": { "workingDays": 2 },
            "escalation": { "notifyRole": "city-bureau" }
          },
          "deadlines": {
            "planSubmission": { "period": { "months": 6 }, "startsAt": "determinationServed", "source": "示例市 art. 10" }
          },
          "landPrice": {
            "bases": [
              { "id": "new-conditions-70", "description": "按新用途评估价70%", "formula": "shareOfNewAppraisal", "share": 0.7, "source": "示例市 art. 14" },
              { "id": "difference-100", "description": "按评估价差额", "formula": "shareOfAppraisalDifference", "share": 1, "sameValuationDate": true, "source": "示例市 art. 14" }
            ],
            "noCharge": [
              { "id": "industrial-far-increase", "description": "工业用地提高容积率不加收", "source": "示例市 art. 15" },
              { "id": "public-facilities", "description": "公共设施", "source": "示例市 art. 15" }
            ]
          },
          "instalments": {
            "allowed": true,
            "firstPaymentAtLeast": 0.5,
            "allWithin": { "years": 1 },
            "fixedSchedule": [
              { "share": 0.2, "dueWithin": { "days": 0 } },
              { "share": 0.5, "dueWithin": { "months": 1 } },
              { "rest": true, "dueWithin": { "years": 1 } }
            ],
            "consentOf": "city-government",
            "source": "示例市 art. 16"
          },
          "survey": { "declaredAreaTolerance": 0.05, "maxVertices": 5000 },
          "evidence": { "maxFiles": 20, "maxFileBytes": 104857600, "contentTypes": ["image/jpeg", "application/pdf"] }
        }
        """;

    /// <summary>A fresh, editable copy of the sample.</summary>
    public static JsonObject Node() => JsonNode.Parse(Json)!.AsObject();

    /// <summary>The sample after <paramref name="edit"/>, validated.</summary>
    public static PolicyValidationResult ValidateEdited(Action<JsonObject> edit)
    {
        var document = Node();
        edit(document);
        return PolicyValidator.Validate(JsonSerializer.SerializeToElement(document));
    }

    /// <summary>The sample, read into the model.</summary>
    public static PolicyDocument Policy() => JsonSerializer.Deserialize<PolicyDocument>(Json, PolicyJson.Options)!;

    /// <summary>The node at a dotted path with [i] indexes, e.g. screening.criteria[2].rule.</summary>
    public static JsonNode At(this JsonNode root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var indexes = new List<int>();
            while (name.EndsWith(']'))
            {
                var open = name.LastIndexOf('[');
                indexes.Insert(0, int.Parse(name[(open + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
                name = name[..open];
            }

            node = node[name] ?? throw new ArgumentException($"No member {name} in {path}");
            foreach (var index in indexes)
            {
                node = node[index] ?? throw new ArgumentException($"No item {index} in {path}");
            }
        }

        return node;
    }

    /// <summary>The one error of <paramref name="result"/>, checked for its path and for naming the rule it breaks.</summary>
    public static PolicyError SingleError(this PolicyValidationResult result, string path, string message)
    {
        Assert.False(result.IsValid);
        Assert.Null(result.Policy);
        var error = Assert.Single(result.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        return error;
    }
}
