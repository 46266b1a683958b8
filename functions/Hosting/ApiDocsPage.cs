namespace LandRedevelopment.Functions.Hosting;

/// <summary>The browsable API docs (Swagger UI) under <see cref="Path"/>.</summary>
public static class ApiDocsPage
{
    /// <summary>Where the page is served.</summary>
    public const string Path = "/api/docs";

    /// <summary>
    /// Serves the Swagger UI for requests under <see cref="Path"/> only, from a branch of the pipeline built at the first
    /// such request. In the main pipeline, the Swagger UI's middleware would be built at every start, loading its embedded
    /// files' provider before the server listens, and would run for every request, matching the path with a regular
    /// expression: the first request of every start would wait while the regular expression engine loaded and parsed the
    /// pattern (cold start, see BENCHMARKS.md, change 32).
    /// </summary>
    public static IApplicationBuilder UseApiDocsPage(this IApplicationBuilder app, string openApiDocument)
    {
        ArgumentNullException.ThrowIfNull(app);
        var page = new Lazy<RequestDelegate>(() =>
        {
            var branch = app.New();
            branch.UseSwaggerUI(o =>
            {
                o.RoutePrefix = Path.TrimStart('/');
                o.SwaggerEndpoint(openApiDocument, "v1");
                o.DocumentTitle = "Land redevelopment API";
            });
            return branch.Build();
        });
        return app.Use((context, next) =>
            context.Request.Path.StartsWithSegments(Path, StringComparison.OrdinalIgnoreCase) ? page.Value(context) : next(context));
    }
}
