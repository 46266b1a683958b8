using FsCheck;
using FsCheck.Fluent;

namespace LandRedevelopment.Shared.Tests;

/// <summary>Runs an FsCheck property inside an xunit fact, throwing (and so failing the fact) on a counter-example.</summary>
internal static class PropertyCheck
{
    public static void ForAll<T>(Gen<T> gen, Action<T> property, int maxTest = 500) =>
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(maxTest), Prop.ForAll(gen.ToArbitrary(), property));
}
