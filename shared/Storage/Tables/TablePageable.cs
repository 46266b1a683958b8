using Azure;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// Pages fetched lazily, one request each, until the service stops returning a continuation.
/// (<see cref="AsyncPageable{T}.FromPages"/> wants every page up front, which a query cannot give.)
/// </summary>
internal sealed class TablePageable<T> : AsyncPageable<T>
    where T : notnull
{
    private readonly Func<string?, int?, CancellationToken, Task<Page<T>>> _fetchPage;
    private readonly int? _maxPerPage;

    public TablePageable(Func<string?, int?, CancellationToken, Task<Page<T>>> fetchPage, int? maxPerPage, CancellationToken cancellationToken)
        : base(cancellationToken)
    {
        if (maxPerPage is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPerPage), maxPerPage, "A page holds at least one item.");
        }

        _fetchPage = fetchPage;
        _maxPerPage = maxPerPage;
    }

    public override async IAsyncEnumerable<Page<T>> AsPages(string? continuationToken = null, int? pageSizeHint = null)
    {
        do
        {
            var page = await _fetchPage(continuationToken, pageSizeHint ?? _maxPerPage, CancellationToken).ConfigureAwait(false);
            continuationToken = page.ContinuationToken;
            yield return page;
        }
        while (!string.IsNullOrEmpty(continuationToken));
    }
}

/// <summary>The "not found" answer of an <c>...IfExists</c> call.</summary>
internal sealed class NoValueResponse<T>(Response response) : NullableResponse<T>
{
    public override bool HasValue => false;

    public override T Value => throw new InvalidOperationException($"The entity does not exist (status {response.Status}); check HasValue first.");

    public override Response GetRawResponse() => response;
}
