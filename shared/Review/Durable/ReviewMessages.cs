using System.Globalization;
using System.Text.Json;
using LandRedevelopment.Calendars;
using LandRedevelopment.Cases;
using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;
using LandRedevelopment.Policies;
using LandRedevelopment.Review.Notices;
using LandRedevelopment.Review.Workflow;
using LandRedevelopment.Tenants;

namespace LandRedevelopment.Review.Durable;

/// <summary>
/// The mails a transition sends, rendered when it commits and stored in its outbox rows: what is mailed is what
/// the case said at that moment, and a relay that delivers twice sends the same message (same Message-ID).
/// </summary>
internal sealed class ReviewMessages(LoadedCase loaded, ParcelCase updated, ReviewState state, IReadOnlyList<Officer> officers, SigningKeyRing? ring, ReviewOptions options)
{
    private static readonly DecisionAction[] Actions = [DecisionAction.Approve, DecisionAction.Return, DecisionAction.Reject];

    private readonly CaseBrief _brief = Brief(loaded.Case, loaded.Context.Policy, loaded.Tenant.DisplayName);
    private readonly List<OutboxMessage> _mails = [];

    public IReadOnlyList<OutboxMessage> For(IReadOnlyList<ReviewEvent> events)
    {
        foreach (var e in events)
        {
            switch (e)
            {
                case StepEntered entered:
                    var step = new StepBrief(entered.StepId, entered.StepName, entered.Attempt, entered.Role, entered.Source, entered.LastDay, entered.DueAt, false);
                    RequestDecision(step, "decision-request", reminder: false);
                    break;
                case ReminderRaised:
                    RequestDecision(CurrentStep(overdue: false), "reminder", reminder: true);
                    break;
                case StepOverdue overdue:
                    var late = CurrentStep(overdue: true);
                    RequestDecision(late, "overdue", reminder: false);
                    Notify([overdue.EscalateTo], "escalation", $"审批逾期：{late.StepName}",
                        $"该步骤应于 {NoticeFormat.Instant(overdue.DueAt, Zone)} 前由 {overdue.StepRole} 作出决定，现已逾期。",
                        $"依据：{overdue.Source ?? "服务默认升级规则"}");
                    break;
                case OverdueReminderRaised again:
                    // Each weekly reminder is a mail of its own kind (its number in it), not a repeat of the one before.
                    RequestDecision(CurrentStep(overdue: true), $"overdue-reminder-{again.Number}", reminder: true);
                    break;
                case LinksReissued reissued:
                    // To the one officer whose address changed, at the address the directory lists now.
                    RequestDecision(CurrentStep(state.Overdue), "links-reissued", reminder: false, only: reissued.OfficerId);
                    break;
                case ReturnedForRework returned:
                    Notify(returned.NotifyRoles, "returned", $"已退回补充材料：{StepName(returned.Track, returned.StepId)}",
                        $"经办人：{returned.OfficerId}", $"意见：{returned.Comment}", "补充材料提交后，案件将回到退回它的步骤继续审查。");
                    break;
                case Rejected rejected:
                    Notify(rejected.NotifyRoles, "rejected", rejected.Track == ReviewTrack.Plan ? "再开发方案未获批准" : "不予认定为低效用地，案件已办结",
                        $"步骤：{StepName(rejected.Track, rejected.StepId)}", $"经办人：{rejected.OfficerId}", $"意见：{rejected.Comment ?? "（无）"}");
                    break;
                case DeterminationIssued issued:
                    Notify(issued.NotifyRoles, "determination-issued", "低效用地认定书已出具，请依法送达",
                        $"出具步骤：{StepName(ReviewTrack.Determination, issued.StepId)}（{issued.Source}）",
                        $"认定书：/api/t/{updated.TenantId}/cases/{updated.CaseId}/determination-notice",
                        "送达后请登记送达日期，方案提交期限自送达之日起计算。");
                    break;
                case DeterminationServedEvent served:
                    Notify(served.NotifyRoles, "served", "认定书已送达",
                        $"送达日期：{served.ServedOn:yyyy-MM-dd}",
                        served.PlanDeadlineLastDay is { } last ? $"再开发方案提交期限：{last:yyyy-MM-dd} 24:00（{served.PlanDeadlineSource}）" : "本地政策未规定方案提交期限。");
                    break;
                case PlanApproved approved:
                    Notify(approved.NotifyRoles, "plan-approved", "再开发方案已批准，进入再开发实施",
                        approved.TransitionEndsOn is { } ends ? $"过渡期至 {ends:yyyy-MM-dd}（{approved.TransitionSource}）" : "本地政策未规定过渡期。");
                    break;
                case ReclamationStarted reclaimed:
                    Notify(reclaimed.NotifyRoles, "reclamation", "逾期未提交（或未获批准）再开发方案，转入土地收回程序",
                        $"依据：{reclaimed.Article}", state.PlanDeadlineAt is { } at ? $"方案提交期限：{NoticeFormat.Instant(at, Zone)}" : "");
                    break;
                case PlanDeadlineReminderRaised reminded:
                    Notify(reminded.NotifyRoles, "plan-deadline-reminder", $"再开发方案提交期限将至：{reminded.LastDay:yyyy-MM-dd}",
                        $"认定书已于 {state.ServedOn:yyyy-MM-dd} 送达，至今尚未收到再开发方案。",
                        $"方案提交期限：{reminded.LastDay:yyyy-MM-dd} 24:00（{reminded.Article}）",
                        "期限届满仍未提交方案的，案件将按本地政策转入土地收回程序或由你们跟进处置；请及时督促土地使用权人。");
                    break;
                case PlanDeadlineLapsed lapsed:
                    Notify(lapsed.NotifyRoles, "plan-deadline-lapsed", "逾期未提交（或未获批准）再开发方案，本宗土地不符合本地政策规定的收回情形，请依法跟进处置",
                        $"方案提交期限依据：{lapsed.Article}", $"收回情形依据：{lapsed.Grounds}",
                        state.PlanDeadlineAt is { } due ? $"方案提交期限：{NoticeFormat.Instant(due, Zone)}" : "");
                    break;
                case TransitionEndReminderRaised ending:
                    Notify(ending.NotifyRoles, "transition-end-reminder", $"过渡期即将届满：{ending.LastDay:yyyy-MM-dd}",
                        $"过渡期至 {ending.LastDay:yyyy-MM-dd} 24:00 届满（{ending.Article}）。",
                        "期满后按本地政策办理相关手续（如协议出让、变更用途）；请提前告知土地使用权人，做好准备。");
                    break;
                case TransitionPeriodEnded ended:
                    Notify(ended.NotifyRoles, "transition-ended", "过渡期届满", $"依据：{ended.Article ?? "（无）"}");
                    break;
            }
        }

        return _mails;
    }

    private TimeZoneInfo Zone => loaded.Context.TimeZone;

    private DateTimeOffset Now => loaded.Context.Now;

    private void RequestDecision(StepBrief step, string kind, bool reminder, string? only = null)
    {
        var deciders = Holding(step.Role);
        if (only is not null)
        {
            // An officer who no longer holds the role by now is mailed nothing: their links would be refused.
            deciders = deciders.Where(o => o.Id == only).ToList();
            if (deciders.Count == 0)
            {
                return;
            }
        }

        if (deciders.Count == 0)
        {
            Notify([loaded.Context.Policy.Review.Escalation.NotifyRole], "no-officer", $"无人承担审批角色：{step.Role}",
                $"步骤“{step.StepName}”须由 {step.Role} 决定，但本市没有承担该角色的审批人员。请在管理接口中指派。");
            return;
        }

        var expires = (step.DueAt > Now ? step.DueAt : Now) + options.LinkGraceAfterDue;
        foreach (var officer in deciders)
        {
            var links = Actions.Select(action =>
            {
                var claims = DecisionClaims.Issue(updated.TenantId, updated.CaseId, step.StepId, step.Attempt, officer.Id, action, Now, expires - Now, officer.Email);
                return new ActionLink(action, options.LinkUrl(DecisionLinkSigner.Create(claims, ring!, Now)));
            }).ToList();
            Add(officer, kind, step, ReviewMails.DecisionRequest(_brief, step, officer.Name, links, reminder, Zone, reissued: only is not null, DeparturesOf(state)));
        }
    }

    private void Notify(IReadOnlyList<string> roles, string kind, string headline, params string[] lines)
    {
        var recipients = roles.SelectMany(Holding).DistinctBy(o => o.Id).ToList();
        var content = ReviewMails.Notice(_brief, headline, lines.Where(l => l.Length > 0).ToList());
        foreach (var officer in recipients)
        {
            Add(officer, kind, null, content);
        }
    }

    private void Add(Officer officer, string kind, StepBrief? step, MailContent content)
    {
        var logicalKey = $"{updated.TenantId}|{updated.CaseId}|{updated.Version}|{_mails.Count}|{officer.Id}";
        var headers = new Dictionary<string, string> { ["X-Review-Kind"] = kind };
        if (step is not null)
        {
            headers["X-Review-Step"] = FormattableString.Invariant($"{step.StepId}#{step.Attempt}");
        }

        _mails.Add(CaseMail.To(officer, updated.TenantId, updated.CaseId, logicalKey, headers, content, options.MessageIdDomain));
    }

    private List<Officer> Holding(string role) => officers.Where(o => o.Roles.Contains(role, StringComparer.Ordinal)).ToList();

    private StepBrief CurrentStep(bool overdue) => StepOf(state, loaded.Context, overdue)
        ?? throw new InvalidOperationException("The case is not at a step.");

    private string StepName(ReviewTrack track, string stepId) => FindStep(loaded.Context.Policy, track, stepId)?.Name ?? stepId;

    /// <summary>
    /// The step a case is at, as mails and pages show it: due when the holiday calendar as loaded now says (a last day a
    /// calendar loaded since the step began makes a rest day has moved on; <see cref="ReviewDecider.StepDueNow"/>).
    /// </summary>
    public static StepBrief? StepOf(ReviewState state, ReviewContext context, bool? overdue = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (state.StepId is not { } stepId || ReviewDecider.StepDueNow(state, context) is not var (lastDay, dueAt))
        {
            return null;
        }

        var step = FindStep(context.Policy, state.Track, stepId);
        return new StepBrief(stepId, step?.Name ?? stepId, state.Attempt, state.StepRole ?? "", step?.Source ?? "", lastDay, dueAt, overdue ?? state.Overdue);
    }

    private static ReviewStep? FindStep(PolicyDocument policy, ReviewTrack track, string stepId) =>
        (track == ReviewTrack.Plan ? policy.Review.PlanChains : policy.Review.DeterminationChains).SelectMany(c => c.Steps).FirstOrDefault(s => s.Id == stepId);

    /// <summary>The rules in principle the plan under review departs from, as mails and pages show them; none on the determination track.</summary>
    public static IReadOnlyList<DepartureBrief> DeparturesOf(ReviewState state) =>
        state.Track == ReviewTrack.Plan && state.Plan?.Departures is { } departures
            ? departures.Select(d => new DepartureBrief(d.ConditionId, d.Description, d.Source, d.Explanation)).ToList()
            : [];

    /// <summary>The parcel and its screening as mails, pages and the notice show them.</summary>
    public static CaseBrief Brief(ParcelCase c, PolicyDocument policy, string tenantName)
    {
        var criteria = new List<CriterionBrief>();
        var flags = new List<string>();
        if (c.Screening.ValueKind == JsonValueKind.Object)
        {
            if (c.Screening.TryGetProperty("result", out var result) && result.TryGetProperty("criteria", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                criteria.AddRange(list.EnumerateArray()
                    .Where(r => r.TryGetProperty("met", out var met) && met.ValueKind == JsonValueKind.True)
                    .Select(r => new CriterionBrief(Text(r, "id"), Text(r, "description"), Text(r, "source"), Text(r, "explanation"))));
            }

            if (c.Screening.TryGetProperty("flags", out var f) && f.ValueKind == JsonValueKind.Array)
            {
                flags.AddRange(f.EnumerateArray().Select(x => x.GetString() ?? ""));
            }
        }

        var landUse = policy.LandUses.FirstOrDefault(u => u.Code == c.LandUse) is { } use ? $"{use.Name}（{use.Code}）" : c.LandUse;
        return new CaseBrief(c.TenantId, tenantName, c.CaseId, c.LandCode, c.District, landUse, c.AreaM2, c.AreaMu, c.Outcome, criteria, flags);
    }

    /// <summary>The written determination for <paramref name="issued"/>.</summary>
    public static string Notice(LoadedCase loaded, ReviewState state, DeterminationIssued issued)
    {
        var policy = loaded.Context.Policy;
        var chain = policy.Review.DeterminationChains.First(c => c.Id == issued.ChainId);
        var issuing = chain.Steps.First(s => s.Id == issued.StepId);
        var decisions = state.Decisions.Where(d => d.Track == ReviewTrack.Determination)
            .Select(d => new DecisionBrief(FindStep(policy, ReviewTrack.Determination, d.StepId)?.Name ?? d.StepId, d.OfficerId, d.Action, d.At, d.Comment))
            .ToList();
        var deadline = policy.Deadlines.PlanSubmission;
        var period = deadline?.Period;
        var periodText = period is null ? null : DeterminationNotice.PeriodText(period.Years, period.Months, period.Days, period.WorkingDays);
        // Where the policy names its reclamation grounds, a missed deadline leads to reclamation only in those cases (克拉玛依
        // art. 9(1) reclaims allocated land only), and the notice says so rather than promising reclamation to every land user.
        var grounds = policy.Reclamation.Select(g => g.Source).Distinct(StringComparer.Ordinal).ToList();
        IReadOnlyList<string> warnings = deadline is null
            ? []
            : grounds.Count == 0
                ? [$"逾期未提交再开发实施方案的，将依法纳入低效用地收回程序（依据：{deadline.Source}）。"]
                : [$"逾期未提交再开发实施方案，且符合{string.Join("、", grounds)}规定的收回情形的，将依法纳入低效用地收回程序（依据：{deadline.Source}）。"];
        return DeterminationNotice.Render(new DeterminationFacts(
            Brief(loaded.Case, policy, loaded.Tenant.DisplayName), chain.Name, chain.Source, issuing.Name, issuing.Source, decisions,
            issued.At, loaded.Context.TimeZone, periodText, deadline?.Source, warnings));
    }

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() ?? "" : "";
}
