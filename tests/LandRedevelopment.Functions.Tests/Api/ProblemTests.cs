using System.Net;
using System.Text.Json;

namespace LandRedevelopment.Functions.Tests.Api;

public class ProblemTests(AppFixture fixture) : IClassFixture<AppFixture>
{
    [Fact]
    public async Task An_unknown_route_is_404_problem_json()
    {
        using var response = await fixture.Http.GetAsync("api/no-such-thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(404, body.RootElement.GetProperty("status").GetInt32());
        Assert.True(body.RootElement.TryGetProperty("traceId", out _));
    }

    [Fact]
    public async Task A_wrong_method_is_405_problem_json()
    {
        using var response = await fixture.Http.DeleteAsync("api/health");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
