namespace LandRedevelopment.Calendars;

/// <summary>A legal period: years, months and days, or working days.</summary>
public sealed record Period
{
    public int Years { get; init; }
    public int Months { get; init; }
    public int Days { get; init; }
    public int WorkingDays { get; init; }
}
