namespace LandRedevelopment.Screening;

/// <summary>
/// What the screening knows about a parcel: its land use, where it is, when it was surveyed, the
/// area computed from its polygon, and the surveyed attributes the policy declares. Also used for
/// the facts that choose a review chain or a plan gate (e.g. greenChannel, newLandUse).
/// </summary>
public sealed record ScreeningInput
{
    /// <summary>Rules read the land use under this name (also <c>landUseIn</c>).</summary>
    public const string LandUseName = "landUse";

    /// <summary>Rules read the district under this name, as a string.</summary>
    public const string DistrictName = "district";

    /// <summary>Rules read the zone under this name, as a string; absent when the parcel has none.</summary>
    public const string ZoneName = "zone";

    /// <summary>Rules read the survey date under this name, as a date.</summary>
    public const string SurveyedOnName = "surveyedOn";

    /// <summary>Rules read the polygon's computed area under this name, as a number of m².</summary>
    public const string ParcelAreaName = "parcelAreaM2";

    /// <summary>
    /// The attribute holding the surveyed (declared) area in m². When both it and the computed area
    /// are known, the result carries an <see cref="AreaCheck"/> against the policy's tolerance.
    /// </summary>
    public const string DeclaredAreaName = "declaredAreaM2";

    /// <summary>The names that are the parcel's own fields and may not appear among its attributes.</summary>
    public static IReadOnlyList<string> ReservedNames { get; } = [LandUseName, DistrictName, ZoneName, SurveyedOnName, ParcelAreaName];

    /// <summary>The land use code, as the policy's land use classes name it (e.g. industrial).</summary>
    public required string LandUse { get; init; }

    /// <summary>The district the parcel lies in; also fills <c>{district}</c> in review roles.</summary>
    public required string District { get; init; }

    /// <summary>A zone the parcel lies in (e.g. an industrial park), if any.</summary>
    public string? Zone { get; init; }

    /// <summary>The day of the survey; durations are measured to it.</summary>
    public required DateOnly SurveyedOn { get; init; }

    /// <summary>The area of the parcel's polygon in m², where it has been computed.</summary>
    public decimal? ParcelAreaM2 { get; init; }

    /// <summary>The surveyed attributes, by their camelCase names.</summary>
    public IReadOnlyDictionary<string, AttributeValue> Attributes { get; init; } = new Dictionary<string, AttributeValue>();
}
