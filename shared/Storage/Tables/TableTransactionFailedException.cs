using Azure;

namespace LandRedevelopment.Storage.Tables;

/// <summary>
/// An entity-group transaction was rejected: nothing in it was applied. <see cref="RequestFailedException.Status"/>,
/// <see cref="RequestFailedException.ErrorCode"/> and <see cref="RequestFailedException.GetRawResponse"/> describe
/// the failing action's own response, not the 202 that carried it.
/// </summary>
public class TableTransactionFailedException : RequestFailedException
{
    /// <summary>Creates the exception from the failing action's response.</summary>
    public TableTransactionFailedException(Response failedResponse, int? failedTransactionActionIndex)
        : base(failedResponse, null, StorageRequestFailedDetailsParser.Instance)
    {
        FailedTransactionActionIndex = failedTransactionActionIndex;
    }

    /// <summary>The zero-based index of the action that failed, when the service said which.</summary>
    public int? FailedTransactionActionIndex { get; }
}
