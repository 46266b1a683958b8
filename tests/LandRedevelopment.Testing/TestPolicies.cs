using System.Text.Json.Nodes;

namespace LandRedevelopment.Testing;

/// <summary>Small made-up policy documents for tests (not a real city's rules).</summary>
public static class TestPolicies
{
    /// <summary>A minimal valid policy of the made-up city 测试市.</summary>
    public static JsonObject Minimal(string name = "测试市低效用地办法（测试）") => (JsonObject)JsonNode.Parse($$"""
        {
          "schemaVersion": 1,
          "name": "{{name}}",
          "jurisdiction": "测试市",
          "sources": [ { "id": "测试", "title": "测试市低效用地办法", "issued": "2026-01-01", "status": "inForce" } ],
          "landUses": [ { "code": "industrial", "name": "工业用地" }, { "code": "warehousing", "name": "仓储用地" } ],
          "attributes": [
            { "name": "idleSince", "type": "date", "description": "闲置起始日期" },
            { "name": "ownershipClear", "type": "boolean", "description": "权属清晰" },
            { "name": "floorAreaRatio", "type": "number", "description": "容积率" }
          ],
          "screening": {
            "preconditions": [ { "id": "ownership", "description": "权属清晰", "source": "测试 art. 1", "rule": { "flag": "ownershipClear" } } ],
            "criteria": [
              { "id": "idle", "description": "闲置一年以上", "source": "测试 art. 2", "rule": { "allOf": [ { "landUseIn": [ "industrial" ] }, { "duration": { "since": "idleSince", "atLeast": { "years": 1 } } } ] } },
              { "id": "far", "description": "容积率低于0.5", "source": "测试 art. 3", "rule": { "compare": { "attribute": "floorAreaRatio", "below": 0.5 } } }
            ]
          },
          "review": {
            "determinationChains": [
              { "id": "standard", "name": "区局 → 市局", "source": "测试 art. 4", "steps": [
                { "id": "district", "name": "区局调查", "role": "district-bureau:{district}", "timeLimit": { "period": { "workingDays": 20 }, "isDefault": true, "source": "default" }, "source": "测试 art. 4" },
                { "id": "city", "name": "市局认定", "role": "city-bureau", "timeLimit": { "period": { "workingDays": 10 }, "isDefault": true, "source": "default" }, "source": "测试 art. 4", "issuesDecision": true }
              ] }
            ],
            "escalation": { "notifyRole": "city-bureau", "source": "default" }
          },
          "deadlines": { "planSubmission": { "period": { "months": 6 }, "startsAt": "determinationServed", "source": "测试 art. 5" } },
          "landPrice": { "bases": [ { "id": "diff", "description": "差价", "formula": "shareOfAppraisalDifference", "share": 1, "source": "测试 art. 6" } ] },
          "instalments": { "allowed": true, "firstPaymentAtLeast": 0.5, "allWithin": { "years": 2 }, "source": "测试 art. 7" }
        }
        """)!;
}
