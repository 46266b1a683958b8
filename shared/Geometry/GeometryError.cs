namespace LandRedevelopment.Geometry;

/// <summary>One problem with a submitted parcel geometry.</summary>
/// <param name="Path">
/// The JSON path of the offending value, e.g. <c>$.parcel.geometry.coordinates[0][3]</c>, so that a field app
/// can point at the vertex to fix.
/// </param>
/// <param name="Message">What is wrong, in words a surveyor can act on.</param>
public sealed record GeometryError(string Path, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>The outcome of <see cref="ParcelGeometry.Parse"/>: a geometry, or every error found.</summary>
/// <param name="Geometry">The parcel geometry; <see langword="null"/> exactly when <paramref name="Errors"/> is not empty.</param>
/// <param name="Errors">Every problem found, each with its JSON path; empty when the geometry is usable.</param>
public sealed record GeometryParseResult(ParcelGeometry? Geometry, IReadOnlyList<GeometryError> Errors)
{
    /// <summary>Whether the geometry was read without errors.</summary>
    public bool IsValid => Geometry is not null;
}
