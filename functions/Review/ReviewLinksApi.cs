using System.Globalization;
using LandRedevelopment.Cases;
using LandRedevelopment.Functions.Problems;
using LandRedevelopment.Review;
using LandRedevelopment.Review.Durable;
using LandRedevelopment.Review.Notices;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Storage.Blobs;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Functions.Review;

/// <summary>
/// The e-mailed decision links. <c>GET /api/review/{token}</c> only shows a confirmation page — mail scanners
/// fetch links — and <c>POST</c> (the page's button) decides, once. Pages are HTML for browsers; a client that
/// asks for JSON gets RFC 9457 problem details instead of the error pages, and the recorded decision as JSON.
/// </summary>
public static class ReviewLinksApi
{
    /// <summary>The longest comment an officer may give.</summary>
    public const int MaxCommentLength = 2000;

    public static IEndpointRouteBuilder MapReviewLinks(this IEndpointRouteBuilder app)
    {
        var links = app.MapGroup("/api/review").WithTags("Decision links");
        links.MapGet("/{token}", Show).WithName("ShowDecisionLink")
            .WithSummary("The confirmation page of an e-mailed decision link: the parcel, screening, evidence, deadline, a comment box and the button. Never decides anything.")
            .Produces(200, contentType: "text/html").Produces(400, contentType: "text/html").Produces(403, contentType: "text/html")
            .Produces(404, contentType: "text/html").Produces(409, contentType: "text/html").Produces(410, contentType: "text/html");
        links.MapPost("/{token}", Act).WithName("ActOnDecisionLink")
            .WithSummary("Records the link's decision (form field 'comment'), once. A repeat shows the recorded outcome (409); an expired, forged or superseded link changes nothing.")
            .Produces<RecordedDecisionView>(200, "application/json").Produces(200, contentType: "text/html").Produces(400, contentType: "text/html").Produces(403, contentType: "text/html")
            .Produces(404, contentType: "text/html").Produces(409, contentType: "text/html").Produces(410, contentType: "text/html");
        return app;
    }

    /// <summary>The form the confirmation page posts.</summary>
    /// <param name="Comment">The officer's comment; required to return a case.</param>
    public sealed record DecisionForm(string? Comment);

    internal static async Task<IResult> Show(string token, HttpContext http, CancellationToken ct)
    {
        var (link, error) = await ResolveAsync(token, http, ct);
        if (link is null)
        {
            return error!;
        }

        var (claims, loaded, officer) = link.Value;
        var state = loaded.State;
        if (state.DecisionFor(claims.StepId, claims.StepAttempt) is { } decided)
        {
            return Decided(http, loaded, decided, 200, "该步骤已作出决定", "This step has been decided; the link can no longer change it.");
        }

        if (!IsCurrent(state, claims))
        {
            return Superseded(http, loaded);
        }

        var zone = loaded.Context.TimeZone;
        var step = StepBrief(loaded)!;
        var evidence = await EvidenceLinksAsync(loaded.Case, http.RequestServices.GetRequiredService<CaseStore>(), loaded.Context.Now, ct);
        var page = ReviewPages.Confirmation(Brief(loaded), step, claims.Action, officer.Name, evidence,
            // Relative to the page's own address, so the form posts back to the link itself wherever the service is
            // published (a gateway may put it under a path of its own).
            token, zone, ReviewBriefs.Departures(loaded));
        return Html(http, 200, page);
    }

    internal static async Task<IResult> Act(string token, HttpContext http, CancellationToken ct)
    {
        var (link, error) = await ResolveAsync(token, http, ct);
        if (link is null)
        {
            return error!;
        }

        var (claims, loaded, officer) = link.Value;
        string? comment = null;
        if (http.Request.HasFormContentType)
        {
            try
            {
                var form = await http.Request.ReadFormAsync(ct);
                comment = form["comment"].ToString();
            }
            catch (Exception e) when (e is InvalidDataException or BadHttpRequestException or IOException)
            {
                return Page(http, 400, "表单无法读取", "The form could not be read (too large, too many fields, or malformed); nothing was decided.", "comment", "must be one form field of at most 2000 characters");
            }
        }

        comment = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim();
        if (comment is { Length: > MaxCommentLength })
        {
            return Page(http, 400, "意见过长", $"The comment is limited to {MaxCommentLength} characters; nothing was decided.", "comment", $"at most {MaxCommentLength} characters");
        }

        // The form may have taken a while: the link must still hold now (not expired, its key not retired, the officer
        // still listed with the roles the decision is checked against), as a GET would answer.
        var (still, refused) = await VerifyAsync(token, http, ct);
        if (still is null)
        {
            return refused!;
        }

        var (current, currentError) = await OfficerAsync(http, still.Value.Tenant, still.Value.Claims, ct);
        if (current is null)
        {
            return currentError!;
        }

        officer = current;

        var review = http.RequestServices.GetRequiredService<ReviewService>();
        var outcome = await review.ExecuteAsync(claims.TenantId, claims.CaseId,
            _ => new Decide(claims.StepId, claims.StepAttempt, officer.Id, officer.Roles, claims.Action, comment),
            "officer:" + officer.Id, null, ct);
        if (outcome.Kind == ReviewOutcomeKind.NotFound || outcome.Case is null)
        {
            return Page(http, 404, "案件不存在", "The case of this link no longer exists.", "token", "names a case that does not exist");
        }

        var after = loaded with { Case = outcome.Case, State = outcome.State };
        if (outcome.Kind is ReviewOutcomeKind.Applied or ReviewOutcomeKind.Unchanged)
        {
            var recorded = outcome.State.DecisionFor(claims.StepId, claims.StepAttempt)!;
            return Decided(http, after, recorded, 200, "决定已记录", "Your decision is recorded.");
        }

        var rejection = outcome.Rejection!;
        return rejection.Kind switch
        {
            RejectionKind.AlreadyDecided => Decided(http, after, rejection.Existing!, 409, "该步骤已作出决定", "This step was already decided; this link changed nothing."),
            RejectionKind.StaleStep or RejectionKind.NotAllowed => Superseded(http, after),
            RejectionKind.WrongRole => Page(http, 403, "无权决定该步骤", rejection.Reason, "token", "the officer does not hold the step's role"),
            RejectionKind.InvalidCommand => Page(http, 400, "请填写意见", rejection.Reason + " Nothing was decided; go back and add a comment.", "comment", "is required to return a case for rework"),
            RejectionKind.GateNotSatisfied => Page(http, 409, "尚不能批准", rejection.Reason, "token", $"gate {rejection.GateId} ({rejection.Article}) is not satisfied"),
            RejectionKind.LimitReached => Page(http, 409, "已达上限", rejection.Reason + " Nothing was decided.", rejection.Field!, rejection.Rule!, type: RequestProblems.TypeBase + rejection.Rule),
            _ => Page(http, 409, "无法处理", rejection.Reason, "token", rejection.Kind.ToString()),
        };
    }

    private static async Task<((DecisionClaims Claims, LoadedCase Case, Officer Officer)? Link, IResult? Error)> ResolveAsync(string token, HttpContext http, CancellationToken ct)
    {
        var (verified, error) = await VerifyAsync(token, http, ct);
        if (verified is null)
        {
            return (null, error);
        }

        var claims = verified.Value.Claims;
        var loaded = await http.RequestServices.GetRequiredService<ReviewService>().LoadAsync(claims.TenantId, claims.CaseId, ct);
        if (loaded is null)
        {
            return (null, Page(http, 404, "案件不存在", "The case of this link does not exist.", "token", "names a case that does not exist"));
        }

        var (officer, refused) = await OfficerAsync(http, loaded.Tenant, claims, ct);
        return officer is null ? (null, refused) : ((claims, loaded, officer), null);
    }

    /// <summary>The token's claims if its signature holds now with the tenant's current keys and it has not expired.</summary>
    private static async Task<((DecisionClaims Claims, Tenant Tenant)? Link, IResult? Error)> VerifyAsync(string token, HttpContext http, CancellationToken ct)
    {
        var services = http.RequestServices;
        var tenantId = DecisionLinkSigner.PeekTenant(token);
        if (tenantId is null || !Identifiers.IsValidTenantId(tenantId))
        {
            return (null, Page(http, 400, "链接无效", "This is not a decision link of this service.", "token", "is not a decision link"));
        }

        var directory = services.GetRequiredService<TenantDirectory>();
        if (await directory.GetAsync(tenantId, ct) is not { } tenant)
        {
            return (null, Page(http, 403, "链接无效", "This link was not issued by this service.", "token", "is not signed by a tenant of this service"));
        }

        var time = services.GetRequiredService<TimeProvider>();
        var ring = await directory.GetSigningKeysAsync(tenant, ct);
        var verdict = DecisionLinkSigner.Verify(token, tenantId, ring, time.GetUtcNow());
        return verdict.Kind switch
        {
            DecisionLinkVerdictKind.Valid => ((verdict.Claims!, tenant), null),
            DecisionLinkVerdictKind.Expired => (null, Page(http, 410, "链接已过期", $"This link expired at {verdict.Claims!.ExpiresAt:yyyy-MM-dd HH:mm} UTC; nothing was decided. A new mail goes out with the next reminder, or ask the case's bureau.", "token", "has expired")),
            DecisionLinkVerdictKind.RetiredKey => (null, Page(http, 410, "链接已失效", "The key this link was signed with has been retired; nothing was decided.", "token", "is signed with a retired key")),
            DecisionLinkVerdictKind.Malformed => (null, Page(http, 400, "链接无效", "This is not a decision link of this service.", "token", "is malformed")),
            _ => (null, Page(http, 403, "链接无效", "This link's signature does not hold: it was altered or not issued for this city. Nothing was decided.", "token", "has no valid signature")),
        };
    }

    /// <summary>The officer the claims name, as the tenant lists them now, if the link was mailed to their present address.</summary>
    private static async Task<(Officer? Officer, IResult? Error)> OfficerAsync(HttpContext http, Tenant tenant, DecisionClaims claims, CancellationToken ct)
    {
        var officer = (await http.RequestServices.GetRequiredService<TenantDirectory>().ListOfficersAsync(tenant, ct)).FirstOrDefault(o => o.Id == claims.OfficerId);
        if (officer is null)
        {
            return (null, Page(http, 403, "审批人员不在名单中", $"Officer {claims.OfficerId} is no longer an officer of this city; nothing was decided.", "token", "names an officer who is no longer listed"));
        }

        // A link mailed to an earlier address (it names another mailbox, or was issued before the address changed) may
        // now be read by someone else (the post changed hands); fresh links went to the present address when it changed.
        return !claims.WasMailedToPresentAddressOf(officer)
            ? (null, Page(http, 403, "链接已失效：审批人员邮箱已变更",
                $"This link was sent to an earlier e-mail address of officer {claims.OfficerId}; nothing was decided. Links for the step were mailed to the officer's present address.",
                "token", "was sent to an earlier e-mail address of the officer"))
            : (officer, null);
    }

    private static bool IsCurrent(ReviewState state, DecisionClaims claims) =>
        state.IsInStep && state.StepId == claims.StepId && state.Attempt == claims.StepAttempt;

    private static IResult Superseded(HttpContext http, LoadedCase loaded) =>
        Page(http, 409, "链接已失效：案件已进入其他环节", $"The case has moved on (now: {loaded.Case.State}); this link can no longer decide anything.", "token",
            "is for a step the case is no longer at", Facts(loaded));

    private static IResult Decided(HttpContext http, LoadedCase loaded, RecordedDecision decision, int status, string title, string message)
    {
        var zone = loaded.Context.TimeZone;
        var facts = new List<(string, string)>
        {
            ("决定 Decision", decision.Action.ToWire()),
            ("审批人员 Officer", decision.OfficerId),
            ("时间 At", TimeZoneInfo.ConvertTime(decision.At, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)),
            ("意见 Comment", decision.Comment ?? "—"),
        };
        facts.AddRange(Facts(loaded));
        if (status < 400 && WantsJson(http.Request))
        {
            // A client that asks for JSON gets the recorded decision as JSON, as it gets refusals as problem details.
            NoStore(http);
            return Results.Json(new RecordedDecisionView(loaded.Case.CaseId, loaded.Case.LandCode, loaded.Case.State.ToString(), decision.StepId, decision.Attempt,
                decision.Action.ToWire(), decision.OfficerId, decision.At, decision.Comment), statusCode: status);
        }

        return status < 400
            ? Html(http, status, ReviewPages.Outcome(title, message, facts))
            : Page(http, status, title, message, "token", "is for a step that was already decided", facts);
    }

    /// <summary>A decision a link recorded, as a client that asks for JSON gets it.</summary>
    public sealed record RecordedDecisionView(string CaseId, string LandCode, string State, string StepId, int Attempt, string Action, string OfficerId, DateTimeOffset At, string? Comment);

    private static void NoStore(HttpContext http)
    {
        var headers = http.Response.Headers;
        headers.CacheControl = "no-store";
        headers["Referrer-Policy"] = "no-referrer";
        headers["X-Robots-Tag"] = "noindex, nofollow";
        headers["X-Content-Type-Options"] = "nosniff";
    }

    private static List<(string, string)> Facts(LoadedCase loaded) =>
    [
        ("案件 Case", loaded.Case.CaseId),
        ("宗地 Parcel", loaded.Case.LandCode),
        ("状态 State", loaded.Case.State.ToString()),
    ];

    private static IResult Page(HttpContext http, int status, string title, string message, string field, string rule, IReadOnlyList<(string, string)>? facts = null,
        string? type = null)
    {
        if (WantsJson(http.Request))
        {
            // Sent with Cache-Control: no-store and no referrer, as every problem of a decision link is (ApiProblems).
            return Results.Problem(statusCode: status, title: title, detail: message, type: type,
                extensions: new Dictionary<string, object?> { ["errors"] = new[] { new { path = field, message = rule } } });
        }

        return Html(http, status, ReviewPages.Outcome(title, message, facts ?? []));
    }

    private static IResult Html(HttpContext http, int status, string html)
    {
        NoStore(http);
        http.Response.Headers.ContentSecurityPolicy = ReviewPages.ContentSecurityPolicy;
        return Results.Text(html, "text/html; charset=utf-8", System.Text.Encoding.UTF8, status);
    }

    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return !accept.Contains("text/html", StringComparison.OrdinalIgnoreCase)
            && (accept.Contains("application/json", StringComparison.OrdinalIgnoreCase) || accept.Contains("application/problem+json", StringComparison.OrdinalIgnoreCase));
    }

    internal static CaseBrief Brief(LoadedCase loaded) => ReviewBriefs.Brief(loaded);

    private static StepBrief? StepBrief(LoadedCase loaded) => ReviewBriefs.Step(loaded);

    private static async Task<IReadOnlyList<EvidenceLink>> EvidenceLinksAsync(ParcelCase c, CaseStore cases, DateTimeOffset now, CancellationToken ct)
    {
        var files = await cases.GetEvidenceAsync(c.TenantId, c.CaseId, ct);
        var container = cases.Container(c.TenantId);
        return files.Select(f =>
        {
            string? url = null;
            if (f.Status == EvidenceStatus.Verified && f.BlobName is not null)
            {
                var blob = container.GetBlobClient(f.BlobName);
                if (blob.CanGenerateSasUri)
                {
                    // Read-only and short-lived: the officer opens the files from the page, nothing else can use the link.
                    url = blob.GenerateSasUri(BlobSasPermissions.Read, DateTimeOffset.UtcNow.AddHours(1)).ToString();
                }
            }

            return new EvidenceLink(f.Name, f.ContentType, f.Size, f.Status.ToString(), url);
        }).ToList();
    }
}
