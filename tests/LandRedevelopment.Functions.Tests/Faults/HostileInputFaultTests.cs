using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LandRedevelopment.Functions.Tests.Cases;
using LandRedevelopment.Functions.Tests.Review;
using Xunit.Abstractions;

namespace LandRedevelopment.Functions.Tests.Faults;

/// <summary>
/// Thousands of generated bad requests against the real app (seeded, so a failure reproduces): every one must be
/// answered with a 4xx as problem+json (the HTML page for a decision link opened as a browser) — never a 5xx, never
/// a dropped connection — and storage (every table row, every blob) must be exactly as it was: a refused request has
/// no side effect.
/// </summary>
public sealed class HostileInputFaultTests(HostileWorld world, ITestOutputHelper output) : IClassFixture<HostileWorld>
{
    private const int Seed = 20270301;

    private static readonly string[] WrongContentTypes =
    [
        "text/plain", "application/xml", "multipart/form-data; boundary=hostile", "application/x-www-form-urlencoded", "application/octet-stream",
        "text/json", "application/problem+json", "application", "*/*", "json",
    ];

    [Fact]
    public async Task Mutated_json_bodies_on_every_endpoint_are_refused_and_change_nothing()
    {
        var random = new Random(Seed);
        var requests = new List<HostileRequest>();
        foreach (var target in world.BodyTargets())
        {
            for (var i = 0; i < 48; i++)
            {
                var (kind, body) = HostileBodies.Mutate(target.Valid, target.RefusedWhenValid, random);
                requests.Add(HostileRequest.Bytes("mutated JSON: " + kind, target.Method, target.Url, $"{target.Name} #{i}", body, target.Auth));
            }
        }

        // Duplicate members with two readings, where taking either would be accepted: ambiguous, so refused.
        var (lon, lat, district) = SurveyKit.Places[HostileWorld.Tenant];
        var screening = world.BodyTargets().Single(t => t.Name == "screenings");
        foreach (var (member, other) in new[] { ("district", "\"沙依巴克区\""), ("landUse", "\"warehousing\""), ("parcelAreaM2", "20000"), ("surveyedOn", "\"2026-06-11\"") })
        {
            var text = screening.Valid.ToJsonString(HostileBodies.Relaxed);
            requests.Add(HostileRequest.Json("duplicate members, each valid", HttpMethod.Post, screening.Url, "screening, " + member + " twice", "{" + $"\"{member}\":{other}," + text[1..], world.TenantAuth));
        }

        for (var i = 0; i < 4; i++)
        {
            var held = SurveyKit.Survey(HostileWorld.Tenant, world.InReviewLandCode, SurveyKit.Square(lon, lat, 30, 700_000 + i * 100, 700_000));
            var fresh = SurveyKit.Survey(HostileWorld.Tenant, SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 30, 700_000 + i * 100, 700_000));
            var text = held.ToJsonString(HostileBodies.Relaxed);
            requests.Add(HostileRequest.Json("duplicate members, each valid", HttpMethod.Post, $"api/t/{HostileWorld.Tenant}/surveys", "survey, parcel twice (held, then free)",
                text[..^1] + ",\"parcel\":" + fresh["parcel"]!.ToJsonString(HostileBodies.Relaxed) + "}", world.TenantAuth));
        }

        // One at a time: copies of one submission racing each other is a test of its own (below), not noise here.
        await HostileRun.RunAsync(world.Review, output, $"mutated JSON (seed {Seed})", requests, minimum: 1000, parallelism: 1);
    }

    [Fact]
    public async Task Concurrent_copies_of_a_refused_submission_are_all_refused()
    {
        // A field app retrying before the first answer came: the same body, at once. The case cannot take it, so every
        // copy must be refused — none may be told "200, already accepted" from the claim of a copy still being refused.
        var (lon, lat, _) = SurveyKit.Places[HostileWorld.Tenant];
        var requests = new List<HostileRequest>();
        for (var round = 0; round < 12; round++)
        {
            var plan = $"{{\"submissionId\":\"plan-race-{round}\",\"newLandUse\":\"industrial\"}}";
            var resubmission = $"{{\"submissionId\":\"resub-race-{round}\",\"comment\":\"已补充\"}}";
            var survey = SurveyKit.Survey(HostileWorld.Tenant, world.InReviewLandCode, SurveyKit.Square(lon, lat, 30, 600_000 + round * 100, 600_000)).ToJsonString(HostileBodies.Relaxed);
            for (var copy = 0; copy < 5; copy++)
            {
                requests.Add(HostileRequest.Json("concurrent copies: plan of a case in review", HttpMethod.Post, world.CaseUrl(world.InReviewCase, "/plan"), $"round {round} copy {copy}", plan, world.TenantAuth));
                requests.Add(HostileRequest.Json("concurrent copies: resubmission of a case in review", HttpMethod.Post, world.CaseUrl(world.InReviewCase, "/resubmission"), $"round {round} copy {copy}", resubmission, world.TenantAuth));
                requests.Add(HostileRequest.Json("concurrent copies: survey of a held parcel", HttpMethod.Post, $"api/t/{HostileWorld.Tenant}/surveys", $"round {round} copy {copy}", survey, world.TenantAuth));
            }
        }

        await HostileRun.RunAsync(world.Review, output, "concurrent copies", requests, minimum: 180, parallelism: 15);
    }

    [Fact]
    public async Task Invalid_geojson_parcels_are_refused_and_open_no_case()
    {
        var random = new Random(Seed + 1);
        var (lon, lat, _) = SurveyKit.Places[HostileWorld.Tenant];
        var requests = new List<HostileRequest>();
        for (var i = 0; i < 300; i++)
        {
            var kind = HostileGeometry.Kinds[i < 290 ? random.Next(HostileGeometry.Kinds.Length - 1) : HostileGeometry.Kinds.Length - 1];
            // A free parcel and a fresh submission: the geometry is the only thing wrong with it.
            var survey = SurveyKit.Survey(HostileWorld.Tenant, SurveyKit.LandCode(), new JsonObject());
            survey["parcel"]!["attributes"]![ReviewFixture.CandidateFlag[HostileWorld.Tenant]] = true;
            var body = HostileBodies.Replace(survey["parcel"]!.AsObject(), "geometry", HostileGeometry.Make(kind, lon, lat, random));
            survey.Remove("parcel");
            var text = survey.ToJsonString(HostileBodies.Relaxed)[..^1] + ",\"parcel\":" + body + "}";
            requests.Add(HostileRequest.Json("GeoJSON: " + kind, HttpMethod.Post, $"api/t/{HostileWorld.Tenant}/surveys", $"survey #{i}", text, world.TenantAuth));
        }

        await RunAsync("invalid GeoJSON", requests, minimum: 300);
    }

    [Fact]
    public async Task Oversized_bodies_wrong_content_types_and_mismatched_uploads_are_refused_and_store_nothing()
    {
        var random = new Random(Seed + 2);
        var requests = new List<HostileRequest>();
        foreach (var target in world.BodyTargets())
        {
            var valid = HostileBodies.Utf8(target.Valid.ToJsonString(HostileBodies.Relaxed));
            foreach (var type in WrongContentTypes)
            {
                requests.Add(new HostileRequest("wrong content type", target.Method, target.Url, $"{target.Name}, valid body as {type}") { Body = valid, ContentType = type, Headers = target.Auth });
            }

            requests.Add(new HostileRequest("wrong content type", target.Method, target.Url, $"{target.Name}, valid body without a type") { Body = valid, Headers = target.Auth });
            requests.Add(new HostileRequest("wrong content type", target.Method, target.Url, $"{target.Name}, UTF-16 JSON") { Body = Encoding.Unicode.GetBytes(target.Valid.ToJsonString()), ContentType = "application/json; charset=utf-16", Headers = target.Auth });

            // Past the endpoint's limit: a valid object padded with a long string, with a Content-Length and chunked.
            var padded = HostileBodies.Utf8(HostileBodies.Replace(target.Valid, target.Valid.First().Key, "\"" + new string('x', (int)target.MaxBytes + 1024) + "\""));
            requests.Add(new HostileRequest("oversized body", target.Method, target.Url, $"{target.Name}, {padded.Length} bytes") { Body = padded, ContentType = "application/json", Headers = target.Auth });
            requests.Add(new HostileRequest("oversized body", target.Method, target.Url, $"{target.Name}, {padded.Length} bytes chunked") { Body = padded, ContentType = "application/json", Headers = target.Auth, Chunked = true });
        }

        var huge = new byte[40 * 1024 * 1024];
        Array.Fill(huge, (byte)' ');
        huge[0] = (byte)'{';
        huge[^1] = (byte)'}';
        requests.Add(new HostileRequest("oversized body", HttpMethod.Post, $"api/t/{HostileWorld.Tenant}/surveys", "40 MB (past the server's own limit)") { Body = huge, ContentType = "application/json", Headers = world.TenantAuth });
        requests.Add(new HostileRequest("oversized body", HttpMethod.Post, $"api/t/{HostileWorld.Tenant}/surveys", "40 MB chunked") { Body = huge, ContentType = "application/json", Headers = world.TenantAuth, Chunked = true });

        requests.AddRange(MismatchedUploads(random));
        requests.AddRange(MalformedForms());
        await RunAsync("sizes and content types", requests, minimum: 300);
    }

    [Fact]
    public async Task Path_traversal_and_odd_evidence_names_are_refused_and_reach_nothing()
    {
        string[] names =
        [
            "..", "...", "../site-photo.jpg", "..%2Fsite-photo.jpg", "..%2F..%2F..%2Fetc%2Fpasswd", "%2e%2e%2fsite-photo.jpg", "%252e%252e%252fsite-photo.jpg",
            "site-photo.jpg%00", "a%00b.jpg", ".hidden.jpg", "CON.jpg", "con%20.jpg", "NUL", "LPT1.pdf", "site-photo.jpg.", "site-photo.jpg%20", "%20site-photo.jpg",
            "a%2Fb.jpg", "a%5Cb.jpg", "..%5C..%5Cwindows.ini", "%E2%80%AEgpj.exe", "%C0%AF.jpg", "%FF.jpg", "%ED%A0%80.jpg", new string('a', 300) + ".jpg",
            "%2A.jpg", "%3F.jpg", "site-photo.jp_g", "SITE-PHOTO.JPG", "site-photo.jpg%0D%0AX-Injected:%201", "%E7%85%A7%E7%89%87.jpg", "report.pdf%3A%3A%24DATA",
            "t-urumqi%2Fsite-photo.jpg", "~site-photo.jpg", "site-photo.jpg%23frag",
        ];
        var requests = new List<HostileRequest>();
        foreach (var caseId in new[] { world.AwaitingCase, world.InReviewCase })
        {
            foreach (var name in names)
            {
                requests.AddRange(EvidenceCalls("odd evidence name", caseId, name, raw: true));
            }
        }

        string[] caseIds = ["..", "%2e%2e", "c0000000000000000000", world.AwaitingCase.ToUpperInvariant(), world.AwaitingCase + "%00", new string('c', 500), "%2Fetc%2Fpasswd", world.KaramayCase];
        foreach (var caseId in caseIds)
        {
            requests.AddRange(EvidenceCalls("odd case id", caseId, "site-photo.jpg", raw: true));
        }

        // Dot segments the server resolves: into another city's case, the admin API, or the storage account, with urumqi's key.
        var karamay = $"karamay/cases/{world.KaramayCase}";
        string[] traversals =
        [
            $"cases/{world.AwaitingCase}/evidence/../../../../{karamay}", $"cases/{world.AwaitingCase}/evidence/%2e%2e/%2e%2e/%2e%2e/%2e%2e/{karamay}",
            $"cases/{world.AwaitingCase}/evidence/../../../../{karamay}/timeline", $"cases/{world.AwaitingCase}/evidence/../../../../karamay/policy",
            $"cases/{world.AwaitingCase}/../../../karamay/cases", $"./../karamay/parcels.geojson", $"cases/{world.AwaitingCase}/evidence/../../../../../admin/tenants/karamay/keys",
            $"cases/{world.AwaitingCase}/evidence/..%2F..%2F..%2F..%2F{karamay.Replace("/", "%2F", StringComparison.Ordinal)}",
        ];
        foreach (var path in traversals)
        {
            foreach (var method in new[] { HttpMethod.Get, HttpMethod.Post, HttpMethod.Put })
            {
                requests.Add(new HostileRequest("path traversal", method, $"api/t/{HostileWorld.Tenant}/{path}", "dot segments")
                {
                    RawPath = true, Headers = world.TenantAuth, Body = method == HttpMethod.Get ? null : "{}"u8.ToArray(), ContentType = method == HttpMethod.Get ? null : "application/json",
                });
            }
        }

        // Odd names declared in a survey of a free parcel: the names are the only thing wrong with it.
        var (lon, lat, _) = SurveyKit.Places[HostileWorld.Tenant];
        string[] fine = ["SITE-PHOTO.JPG", "照片.jpg"];
        foreach (var name in names.Select(Uri.UnescapeDataString).Concat(["a/b.jpg", "a\\b.jpg", "photo\u202Egpj.exe", "photo\u0000.jpg", " photo.jpg", "photo.jpg ", "COM1.jpg", "photo.j-pg"]).Except(fine).Distinct())
        {
            var survey = SurveyKit.Survey(HostileWorld.Tenant, SurveyKit.LandCode(), SurveyKit.Square(lon, lat, 30, 800_000, 800_000), SurveyKit.Declare(name, world.Photo, "image/jpeg"));
            requests.Add(HostileRequest.Json("odd name declared in a survey", HttpMethod.Post, $"api/t/{HostileWorld.Tenant}/surveys", name, survey.ToJsonString(HostileBodies.Relaxed), world.TenantAuth));
        }

        await RunAsync("names and paths", requests, minimum: 300);
    }

    [Fact]
    public async Task Forged_spliced_malformed_and_reused_decision_links_are_refused_and_decide_nothing()
    {
        var random = new Random(Seed + 4);
        var requests = new List<HostileRequest>();
        var genuine = world.InReviewLinks.Values.Concat(world.KaramayLinks.Values).Concat(world.DecidedLinks.Values).Select(ReviewFixture.Token).ToList();
        for (var i = 0; i < 240; i++)
        {
            var token = genuine[random.Next(genuine.Count)];
            requests.AddRange(HostileLinks.Calls("forged token (one character changed)", HostileLinks.Forge(token, random), $"forgery #{i}", random));
        }

        foreach (var token in genuine)
        {
            var parts = token.Split('.');
            var variants = new (string What, string Token)[]
            {
                ("truncated", token[..(token.Length / 2)]), ("signature dropped", string.Join('.', parts[..3])), ("extra segment", token + ".AAAA"),
                ("upper-cased", token.ToUpperInvariant()), ("empty signature", string.Join('.', parts[..3]) + "."), ("signature of zeros", string.Join('.', parts[..3]) + ".AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                ("claims and signature swapped", string.Join('.', parts[0], parts[1], parts[3], parts[2])),
                ("padding added", token + "=="), ("standard base64 alphabet", token.Replace('-', '+').Replace('_', '/')),
            };
            foreach (var (what, variant) in variants)
            {
                requests.AddRange(HostileLinks.Calls("malformed token", variant, what, random));
            }
        }

        // Another city's key id and signature around urumqi's claims, and the other way round.
        foreach (var action in new[] { "approve", "return", "reject" })
        {
            var u = ReviewFixture.Token(world.InReviewLinks[action]).Split('.');
            var k = ReviewFixture.Token(world.KaramayLinks[action]).Split('.');
            requests.AddRange(HostileLinks.Calls("spliced across cities", string.Join('.', k[0], k[1], u[2], k[3]), "karamay key, urumqi claims", random));
            requests.AddRange(HostileLinks.Calls("spliced across cities", string.Join('.', u[0], u[1], k[2], u[3]), "urumqi key, karamay claims", random));
            requests.AddRange(HostileLinks.Calls("spliced across cities", string.Join('.', u[0], k[1], u[2], u[3]), "karamay key id only", random));
        }

        // Reused: the decided visit's links, pressed again (the approve one was pressed; the others belong to the decided visit).
        for (var i = 0; i < 20; i++)
        {
            foreach (var (action, link) in world.DecidedLinks)
            {
                requests.Add(HostileLinks.Post("reused link", ReviewFixture.Token(link), $"{action} again #{i}", json: i % 2 == 0, comment: "再次提交"));
            }
        }

        // A genuine link with a comment past the limit decides nothing.
        foreach (var (action, link) in world.InReviewLinks)
        {
            requests.Add(HostileLinks.Post("comment too long", ReviewFixture.Token(link), action, json: false, comment: new string('意', 2001)));
            requests.Add(HostileLinks.Post("comment too long", ReviewFixture.Token(link), action + " as JSON client", json: true, comment: new string('x', 5000)));
        }

        var before = await world.Review.City(HostileWorld.Tenant).SnapshotAsync(world.InReviewCase);
        await RunAsync("decision links", requests, minimum: 500);
        Assert.Equal(before, await world.Review.City(HostileWorld.Tenant).SnapshotAsync(world.InReviewCase));
    }

    [Fact]
    public async Task Other_tenants_and_bad_keys_are_refused_on_every_route_with_bodies_that_would_be_taken()
    {
        using var doc = JsonDocument.Parse(await world.Http.GetStringAsync("api/openapi/v1.json"));
        var operations = doc.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => (Path: p.Name, Method: m.Name.ToUpperInvariant())))
            .ToList();
        var bodies = world.BodyTargets();
        var requests = new List<HostileRequest>();
        var tenantRoutes = 0;
        var adminRoutes = 0;
        foreach (var (path, method) in operations)
        {
            var url = Fill(path).TrimStart('/');
            var body = bodies.FirstOrDefault(b => b.Method.Method == method && b.Url == url)?.Valid.ToJsonString(HostileBodies.Relaxed) ?? (method is "POST" or "PUT" ? "{}" : null);
            IEnumerable<(string What, (string, string)[] Headers)> credentials;
            if (path.StartsWith("/api/t/{tenant}", StringComparison.Ordinal))
            {
                tenantRoutes++;
                credentials = world.WrongKeys.Select(k => (k.Key, new[] { ("X-Api-Key", k.Value) }))
                    .Concat([
                        ("no key", []), ("urumqi's key as a bearer token", [("Authorization", "Bearer " + world.Key)]),
                        ("urumqi's key in another header", [("X-Api-Key2", world.Key)]), ("two keys, urumqi's and karamay's", [("X-Api-Key", world.Key), ("X-Api-Key", world.Review.Keys["karamay"])]),
                    ]);
            }
            else if (path.StartsWith("/api/admin", StringComparison.Ordinal))
            {
                adminRoutes++;
                var admin = world.Review.AdminKey;
                credentials =
                [
                    ("no credentials", []), ("urumqi's API key as bearer", [("Authorization", "Bearer " + world.Key)]), ("urumqi's API key", [("X-Api-Key", world.Key)]),
                    ("admin key with a character changed", [("Authorization", "Bearer " + admin[..^1] + (admin[^1] == 'a' ? 'b' : 'a'))]),
                    ("admin key with a suffix", [("Authorization", "Bearer " + admin + "x")]), ("admin key cut short", [("Authorization", "Bearer " + admin[..^1])]),
                    ("admin key as Basic", [("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + admin)))]),
                    ("empty bearer", [("Authorization", "Bearer ")]), ("admin key without scheme", [("Authorization", admin)]),
                ];
            }
            else
            {
                continue;
            }

            foreach (var (what, headers) in credentials)
            {
                requests.Add(new HostileRequest("wrong key", new HttpMethod(method), url, $"{path} with {what}")
                {
                    Headers = headers, Body = body is null ? null : HostileBodies.Utf8(body), ContentType = body is null ? null : "application/json",
                });
            }
        }

        output.WriteLine($"OpenAPI: {tenantRoutes} tenant operations, {adminRoutes} admin operations walked");
        Assert.True(tenantRoutes >= 15 && adminRoutes >= 10, $"{tenantRoutes} tenant and {adminRoutes} admin operations");
        await RunAsync("keys", requests, minimum: 250);
    }

    /// <summary>Fills a route template with the world's values: the evidence routes on the case awaiting its files, the rest on the case in review.</summary>
    private string Fill(string path)
    {
        var caseId = path.Contains("{name}", StringComparison.Ordinal) ? world.AwaitingCase : path.Contains("payments", StringComparison.Ordinal) ? world.PayCase : world.InReviewCase;
        return path.Replace("{tenant}", HostileWorld.Tenant, StringComparison.Ordinal).Replace("{caseId}", caseId, StringComparison.Ordinal)
            .Replace("{name}", "site-photo.jpg", StringComparison.Ordinal).Replace("{officerId}", "hostile-officer", StringComparison.Ordinal)
            .Replace("{prefix}", "lrk_hostile", StringComparison.Ordinal).Replace("{year}", "2027", StringComparison.Ordinal)
            .Replace("{version}", "1", StringComparison.Ordinal).Replace("{token}", ReviewFixture.Token(world.InReviewLinks["approve"]), StringComparison.Ordinal);
    }

    private IEnumerable<HostileRequest> EvidenceCalls(string category, string caseId, string escapedName, bool raw)
    {
        var url = world.CaseUrl(caseId, "/evidence/" + escapedName);
        var nul = url.Contains("%00", StringComparison.Ordinal);
        yield return new HostileRequest(category, HttpMethod.Put, url, escapedName) { RawPath = raw, ServerMayRefuse = nul, Body = world.Photo[..10], ContentType = "image/jpeg", Headers = world.TenantAuth };
        if (escapedName != "..")
        {
            // GET …/evidence/.. is GET of the case itself (the server resolves the dot segment): not a refusal to test.
            yield return new HostileRequest(category, HttpMethod.Get, url, escapedName) { RawPath = raw, ServerMayRefuse = nul, Headers = world.TenantAuth };
        }

        yield return new HostileRequest(category, HttpMethod.Post, url + "/upload-url", escapedName) { RawPath = raw, ServerMayRefuse = nul, Headers = world.TenantAuth };
        yield return HostileRequest.Json(category, HttpMethod.Post, url + "/complete", escapedName, $"{{\"uploadId\":\"{Guid.NewGuid():N}\"}}", world.TenantAuth) with { RawPath = raw, ServerMayRefuse = nul };
    }

    /// <summary>Uploads of the awaiting case's declared photo that do not match the declaration: each is refused and stores no blob.</summary>
    private IEnumerable<HostileRequest> MismatchedUploads(Random random)
    {
        var url = world.CaseUrl(world.AwaitingCase, "/evidence/site-photo.jpg");
        var photo = world.Photo;
        var flipped = (byte[])photo.Clone();
        for (var i = 0; i < 40; i++)
        {
            flipped = (byte[])photo.Clone();
            flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
            yield return Upload("one bit flipped", flipped, "image/jpeg");
        }

        yield return Upload("wrong leading bytes", [.. "%PDF"u8, .. photo[4..]], "image/jpeg");
        yield return Upload("one byte short", photo[..^1], "image/jpeg");
        yield return Upload("one byte over", [.. photo, 0], "image/jpeg");
        yield return Upload("one byte over, chunked", [.. photo, 0], "image/jpeg", chunked: true);
        yield return Upload("far too long, chunked", new byte[5 * 1024 * 1024], "image/jpeg", chunked: true);
        yield return Upload("empty", [], "image/jpeg");
        foreach (var type in new[] { "image/png", "application/pdf", "text/plain", "image/jpeg2", "multipart/form-data; boundary=x", "application/json" })
        {
            yield return Upload("declared bytes, other type " + type, photo, type);
        }

        yield return Upload("the other declared file's bytes", world.Report, "image/jpeg");
        yield return new HostileRequest("mismatched upload", HttpMethod.Put, world.CaseUrl(world.AwaitingCase, "/evidence/report.pdf"), "the photo as the report")
        {
            Body = photo, ContentType = "application/pdf", Headers = world.TenantAuth,
        };

        HostileRequest Upload(string what, byte[] bytes, string type, bool chunked = false) =>
            new("mismatched upload", HttpMethod.Put, url, what) { Body = bytes, ContentType = type, Chunked = chunked, Headers = world.TenantAuth };
    }

    /// <summary>Malformed or limit-breaking forms posted to genuine links of a case of their own: refused, nothing decided.</summary>
    private IEnumerable<HostileRequest> MalformedForms()
    {
        foreach (var (action, link) in world.FormLinks)
        {
            var url = "api/review/" + ReviewFixture.Token(link);
            var many = string.Join("&", Enumerable.Range(0, 1500).Select(i => $"f{i}=x"));
            var forms = new (string What, string Type, byte[] Body)[]
            {
                ("multipart without a closing boundary", "multipart/form-data; boundary=hostile", "--hostile\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\n同意"u8.ToArray()),
                ("multipart without a boundary parameter", "multipart/form-data", "--x\r\n\r\n"u8.ToArray()),
                ("multipart with a 200-character boundary", "multipart/form-data; boundary=" + new string('b', 200), "--b\r\n"u8.ToArray()),
                ("1500 form fields", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(many)),
                ("a form key of 5000 characters", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes(new string('k', 5000) + "=x")),
                ("a 5 MB comment", "application/x-www-form-urlencoded", Encoding.ASCII.GetBytes("comment=" + new string('x', 5 * 1024 * 1024))),
            };
            foreach (var (what, type, body) in forms)
            {
                yield return new HostileRequest("malformed decision form", HttpMethod.Post, url, $"{action}: {what}") { Body = body, ContentType = type };
                yield return new HostileRequest("malformed decision form", HttpMethod.Post, url, $"{action}: {what}, as a JSON client") { Body = body, ContentType = type, Headers = [("Accept", "application/json")] };
            }
        }
    }

    private Task RunAsync(string title, List<HostileRequest> requests, int minimum) => HostileRun.RunAsync(world.Review, output, $"{title} (seed {Seed})", requests, minimum);
}
