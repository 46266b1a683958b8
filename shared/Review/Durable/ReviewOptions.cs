namespace LandRedevelopment.Review.Durable;

/// <summary>Settings of the review (configuration section <c>Review</c>).</summary>
public sealed class ReviewOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Review";

    /// <summary>The address officers reach the service at; decision links in mails start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:7071";

    /// <summary>How long after a step's deadline its links still work (they never expire before the deadline).</summary>
    public TimeSpan LinkGraceAfterDue { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The domain of the Message-IDs of review mails.</summary>
    public string MessageIdDomain { get; set; } = "review.land-redevelopment.local";

    /// <summary>The address of a decision link.</summary>
    public string LinkUrl(string token) => PublicBaseUrl.TrimEnd('/') + "/api/review/" + token;
}
