using System.Net;
using System.Text.Json;
using LandRedevelopment.Functions.Hosting;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Functions.Tests.Api;

public class OpenApiTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    /// <summary>The functions that serve the documentation itself are not part of the API it describes.</summary>
    private static readonly HashSet<string> DocumentationFunctions = ["OpenApiDocument", "ApiDocs"];

    [Fact]
    public async Task The_OpenAPI_document_describes_every_HTTP_function_with_its_methods()
    {
        using var doc = JsonDocument.Parse(await fixture.Http.GetStringAsync("api/openapi/v1.json"));
        var paths = doc.RootElement.GetProperty("paths");
        var described = paths.EnumerateObject().ToDictionary(
            p => Normalise(p.Name),
            p => p.Value.EnumerateObject().Select(m => m.Name.ToUpperInvariant()).ToHashSet());

        var httpFunctions = FunctionCatalog.Load(AppProcess.AppDirectory).Where(f => f.IsHttp && !DocumentationFunctions.Contains(f.Name)).ToList();
        Assert.NotEmpty(httpFunctions);
        foreach (var function in httpFunctions)
        {
            var route = Normalise("/" + function.Trigger.Route!.TrimEnd('/'));
            Assert.True(described.ContainsKey(route), $"{function.Name}: {route} is not in the OpenAPI document (has: {string.Join(", ", described.Keys)})");
            foreach (var method in function.Trigger.Methods ?? [])
            {
                Assert.Contains(method.ToUpperInvariant(), described[route]);
            }
        }
    }

    [Fact]
    public async Task Every_operation_in_the_OpenAPI_document_has_a_function_json_so_the_host_forwards_it()
    {
        using var doc = JsonDocument.Parse(await fixture.Http.GetStringAsync("api/openapi/v1.json"));
        var declared = FunctionCatalog.Load(AppProcess.AppDirectory).Where(f => f.IsHttp)
            .SelectMany(f => (f.Trigger.Methods ?? []).Select(m => (Route: Normalise("/" + f.Trigger.Route!), Method: m.ToUpperInvariant())))
            .ToHashSet();

        foreach (var path in doc.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                Assert.True(declared.Contains((Normalise(path.Name), method.Name.ToUpperInvariant())),
                    $"{method.Name.ToUpperInvariant()} {path.Name} has no function.json: under the Functions host it would never be called");
            }
        }
    }

    [Fact]
    public async Task The_browsable_API_docs_page_is_served()
    {
        using var response = await fixture.Http.GetAsync("api/docs/index.html");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("swagger", html, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_API_docs_page_loads_the_served_document_and_its_bare_address_leads_to_it()
    {
        // The page is served from its own branch of the pipeline, built at its first request.
        using var script = await fixture.Http.GetAsync("api/docs/index.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("\"/api/openapi/v1.json\"", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = fixture.Http.BaseAddress };
        using var bare = await http.GetAsync("api/docs");
        Assert.Equal(HttpStatusCode.MovedPermanently, bare.StatusCode);
        Assert.Equal(new Uri(fixture.Http.BaseAddress!, "api/docs/index.html"), new Uri(bare.RequestMessage!.RequestUri!, bare.Headers.Location!));

        using var spec = await fixture.Http.GetAsync("api/openapi/v1.json");
        Assert.Equal(HttpStatusCode.OK, spec.StatusCode);
    }

    /// <summary>Route parameters compared by position, not name; no trailing slash.</summary>
    private static string Normalise(string route) =>
        System.Text.RegularExpressions.Regex.Replace(route.TrimEnd('/'), @"\{[^}]+\}", "{}").ToLowerInvariant();
}
