using LandRedevelopment.Policies;

namespace LandRedevelopment.Functions.Admin;

/// <summary>The policy document format, published: its JSON Schema and a field-by-field reference.</summary>
public static class PolicyDocsApi
{
    public static IEndpointRouteBuilder MapPolicyDocs(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/policy-schema.json", () => Results.Text(PolicySchema.SchemaJson, "application/schema+json"))
            .WithName("PolicySchema").WithTags("Policies").WithSummary("The JSON Schema of tenant policy documents.")
            .Produces(200, contentType: "application/schema+json");
        app.MapGet("/api/policy-reference.md", () => Results.Text(PolicyDocs.RenderMarkdown(), "text/markdown; charset=utf-8"))
            .WithName("PolicyReference").WithTags("Policies").WithSummary("Every field of a policy document, explained (Markdown).")
            .Produces(200, contentType: "text/markdown");
        return app;
    }
}
