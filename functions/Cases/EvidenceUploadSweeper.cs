using Azure;
using LandRedevelopment.Cases;
using LandRedevelopment.Functions.Hosting.CustomHandler;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Functions.Cases;

/// <summary>
/// The daily <c>EvidenceUploadSweeper</c> timer function: deletes direct uploads (files sent straight to storage through
/// an upload URL) that were never completed, or that no evidence file refers to any more, once they are
/// <see cref="CompletionWindow"/> old. Without it, every upload a field app abandons (a lost connection before its
/// completion call, a retry through a fresh upload URL) would stay in storage for good. It deletes, as old, the blobs of
/// work that never committed too: the geometry of a survey whose case was never written, and determination notices no
/// committed event names (see <see cref="CaseStore.SweepAbandonedBlobsAsync"/>).
/// </summary>
public static class EvidenceUploadSweeper
{
    /// <summary>How long after its upload a direct upload can still be completed; after that an unreferenced upload is deleted.</summary>
    public static readonly TimeSpan CompletionWindow = TimeSpan.FromDays(7);

    public static IEndpointRouteBuilder MapEvidenceUploadSweeper(this IEndpointRouteBuilder app)
    {
        app.MapTimerTrigger("EvidenceUploadSweeper", "sweep", OnSweep);
        return app;
    }

    internal static async Task<InvocationResult> OnSweep(TimerTriggerInvocation invocation, HttpContext http)
    {
        var services = http.RequestServices;
        var cases = services.GetRequiredService<CaseStore>();
        var writtenBefore = services.GetRequiredService<TimeProvider>().GetUtcNow() - CompletionWindow;
        var logs = new List<string>();
        int uploads = 0, deleted = 0, orphans = 0;
        long bytes = 0;
        foreach (var tenant in await services.GetRequiredService<TenantDirectory>().ListAsync(http.RequestAborted))
        {
            try
            {
                var swept = await cases.SweepAbandonedBlobsAsync(tenant.Id, writtenBefore, http.RequestAborted);
                (uploads, deleted, orphans, bytes) = (uploads + swept.Uploads, deleted + swept.Deleted, orphans + swept.Orphans, bytes + swept.DeletedBytes);
            }
            catch (Exception e) when (e is RequestFailedException or HttpRequestException)
            {
                // One tenant's failure does not stop the others; its uploads wait for the next day's sweep.
                logs.Add($"Left for the next sweep: the uploads of {tenant.Id} ({e.Message}).");
            }
        }

        logs.Insert(0, $"Upload sweep: {uploads} direct uploads found, {deleted} abandoned ones deleted, {orphans} blobs of work that never committed deleted ({bytes} bytes in all), cut-off {writtenBefore:O}.");
        return new InvocationResult { Logs = logs };
    }
}
