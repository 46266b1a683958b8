using System.Collections;
using LandRedevelopment.Functions.Problems;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Console;

namespace LandRedevelopment.Functions.Hosting;

/// <summary>
/// Keeps decision-link tokens (bearer credentials in the address, <c>/api/review/{token}</c>) out of the log. The app's own
/// messages name the route without the token (<see cref="ApiProblems.SafePath(string)"/>); this covers the request scope
/// ASP.NET Core opens for every request, whose <c>RequestPath</c> the console log writes with each line (the trace ids
/// of the scope stay).
/// </summary>
public static class LogRedaction
{
    /// <summary>Wraps the console logger so that the scopes it writes carry no decision token.</summary>
    public static IServiceCollection AddLogRedaction(this IServiceCollection services)
    {
        var console = services.FirstOrDefault(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider));
        if (console is not null)
        {
            services.Remove(console);
            services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, RedactingLoggerProvider>(sp =>
                new RedactingLoggerProvider(ActivatorUtilities.CreateInstance<ConsoleLoggerProvider>(sp))));
        }

        return services;
    }

    /// <summary>A scope as it may be written: a <c>RequestPath</c> holding a decision token is replaced by the route without it.</summary>
    internal static object? Redact(object? scope)
    {
        if (scope is not IEnumerable<KeyValuePair<string, object?>> pairs
            || !pairs.Any(p => p.Key == "RequestPath" && p.Value is string path && ApiProblems.SafePath(path) != path))
        {
            return scope;
        }

        return new RedactedScope(pairs.Select(p => p.Key == "RequestPath" && p.Value is string path ? new KeyValuePair<string, object?>(p.Key, ApiProblems.SafePath(path)) : p).ToList());
    }

    private sealed class RedactingLoggerProvider(ConsoleLoggerProvider inner) : ILoggerProvider, ISupportExternalScope
    {
        public ILogger CreateLogger(string categoryName) => inner.CreateLogger(categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => inner.SetScopeProvider(new RedactingScopeProvider(scopeProvider));

        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingScopeProvider(IExternalScopeProvider inner) : IExternalScopeProvider
    {
        public void ForEachScope<TState>(Action<object?, TState> callback, TState state) =>
            inner.ForEachScope((scope, s) => callback(Redact(scope), s), state);

        public IDisposable Push(object? state) => inner.Push(state);
    }

    /// <summary>The pairs of a redacted scope; written as the original scope is, key by key or as "Key:value" text.</summary>
    private sealed class RedactedScope(IReadOnlyList<KeyValuePair<string, object?>> pairs) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public KeyValuePair<string, object?> this[int index] => pairs[index];

        public int Count => pairs.Count;

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => pairs.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(" ", pairs.Select(p => $"{p.Key}:{p.Value}"));
    }
}
