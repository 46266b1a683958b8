using System.Runtime.ExceptionServices;
using LandRedevelopment.Functions.Hosting;

namespace LandRedevelopment.Functions.Tests.Hosting;

/// <summary>What every start of the app does on its main thread, before the server listens.</summary>
public sealed class StartupWorkTests
{
    [Fact]
    public void Mapping_every_endpoint_and_building_the_pipeline_throws_nothing_even_caught()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var thread = Environment.CurrentManagedThreadId;
        var thrown = new List<string>();
        void Record(object? sender, FirstChanceExceptionEventArgs e)
        {
            // Tests run side by side in this process: only what this thread throws is the mapping's.
            if (Environment.CurrentManagedThreadId == thread)
            {
                lock (thrown)
                {
                    thrown.Add($"{e.Exception.GetType().Name}: {e.Exception.Message}");
                }
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += Record;
        try
        {
            // The endpoints and the pipeline as Program.cs builds them.
            app.UseRouting();
            app.UseApiDocsPage("/api/openapi/v1.json");
            app.MapServiceEndpoints();
            _ = ((IApplicationBuilder)app).Build();
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= Record;
        }

        // An exception thrown and caught costs every start its stack walk, and the first one its resource lookups:
        // AddEndpointFilter<T>() throws one for each filter whose constructor does not take the endpoint's context.
        Assert.Empty(thrown);
    }
}
