namespace LandRedevelopment.Functions.Hosting;

/// <summary>Endpoint filters taken from the app's services.</summary>
public static class ServiceFilters
{
    /// <summary>
    /// Runs <typeparamref name="TFilter"/>, as registered in the app's services, before every endpoint of
    /// <paramref name="group"/>. <c>AddEndpointFilter&lt;TFilter&gt;()</c> would instead build a constructor for the filter
    /// by reflection while the endpoints are mapped, compiling an expression, and throwing and catching an exception
    /// for every filter that does not take the endpoint's context: about 30 ms on the main thread of every start, before
    /// the server listens (cold start, see BENCHMARKS.md, change 32).
    /// </summary>
    public static RouteGroupBuilder AddServiceFilter<TFilter>(this RouteGroupBuilder group)
        where TFilter : IEndpointFilter
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.AddEndpointFilter((context, next) =>
            context.HttpContext.RequestServices.GetRequiredService<TFilter>().InvokeAsync(context, next));
    }
}
