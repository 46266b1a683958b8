namespace LandRedevelopment.Screening;

/// <summary>Turns a review step's role template into the role of the case's officers.</summary>
public static class RoleResolver
{
    /// <summary>The placeholder a role template may carry.</summary>
    public const string DistrictPlaceholder = "{district}";

    /// <summary>
    /// Replaces <c>{district}</c> with the case's district, e.g. district-bureau:{district} →
    /// district-bureau:白碱滩区. Any other placeholder is refused: a role that cannot be resolved would
    /// route a case to nobody.
    /// </summary>
    /// <exception cref="ArgumentException">The template needs a district and none is given.</exception>
    /// <exception cref="FormatException">The template has a placeholder other than {district}.</exception>
    public static string Resolve(string roleTemplate, string district)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(roleTemplate);
        if (roleTemplate.Contains(DistrictPlaceholder, StringComparison.Ordinal))
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(district);
        }

        var role = roleTemplate.Replace(DistrictPlaceholder, district, StringComparison.Ordinal);
        return role.AsSpan().IndexOfAny('{', '}') < 0
            ? role
            : throw new FormatException($"Role template '{roleTemplate}' has a placeholder other than {DistrictPlaceholder}.");
    }
}
