using LandRedevelopment.Mail;
using LandRedevelopment.Outbox;

namespace LandRedevelopment.Shared.Tests.Outbox;

/// <summary>How a transition's messages become its outbox rows (<see cref="OutboxMessage.Pack"/>).</summary>
public class OutboxPackingTests
{
    private static OutboxMessage Mail(int i, int bodyChars = 200) => OutboxMessage.Mail(new MailMessageSpec(
        null, [new Mailbox($"officer{i}@karamay.example.test", "审批人" + i)], $"待审批：KM-{i:D4}", new string('审', bodyChars), null,
        MailMessageSpec.StableMessageId($"packing/{i}", "review.land-redevelopment.local")));

    private static readonly OutboxMessage Timer = OutboxMessage.Timer(new DurableTimer("karamay", "CASE-1", "timer-review-step", DateTimeOffset.UnixEpoch));

    private static List<string> SubjectsOf(OutboxMessage row) => row.Kind switch
    {
        OutboxKinds.Mails => System.Text.Json.JsonSerializer.Deserialize<List<MailMessageSpec>>(row.Payload, OutboxMessage.Json)!.Select(m => m.Subject).ToList(),
        OutboxKinds.Mail => [System.Text.Json.JsonSerializer.Deserialize<MailMessageSpec>(row.Payload, OutboxMessage.Json)!.Subject],
        _ => [],
    };

    [Fact]
    public void Each_run_of_mails_is_one_row_and_every_other_message_keeps_its_place()
    {
        var rows = OutboxMessage.Pack([Mail(1), Mail(2), Mail(3), Timer, Mail(4), Timer]);

        Assert.Equal([OutboxKinds.Mails, OutboxKinds.Timer, OutboxKinds.Mail, OutboxKinds.Timer], rows.Select(r => r.Kind));
        Assert.Equal(["待审批：KM-0001", "待审批：KM-0002", "待审批：KM-0003"], SubjectsOf(rows[0]));
        Assert.Equal(["待审批：KM-0004"], SubjectsOf(rows[2]));
        Assert.Equal(Timer, rows[1]);
    }

    [Fact]
    public void A_transition_mailing_hundreds_of_officers_takes_a_few_rows_each_within_its_share_with_every_mail_in_order()
    {
        // 300 mails of about 10,000 characters: three million characters, more than one row may carry.
        var mails = Enumerable.Range(1, 300).Select(i => Mail(i, bodyChars: 10_000)).ToList();

        var rows = OutboxMessage.Pack(mails);

        Assert.InRange(rows.Count, 2, 10);
        Assert.All(rows, r => Assert.True(r.Payload.Length <= OutboxMessage.MaxMailCharsPerRow, $"{r.Payload.Length} characters"));
        Assert.Equal(Enumerable.Range(1, 300).Select(i => $"待审批：KM-{i:D4}"), rows.SelectMany(SubjectsOf));
    }

    [Fact]
    public void A_mail_keeps_its_Chinese_text_as_it_is_rather_than_six_characters_for_each()
    {
        var mail = Mail(1, bodyChars: 1_000);

        Assert.Contains(new string('审', 1_000), mail.Payload, StringComparison.Ordinal);
        Assert.True(mail.Payload.Length < 1_500, $"{mail.Payload.Length} characters");
    }
}
