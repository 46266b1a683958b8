using System.Text.Json;
using LandRedevelopment.Functions.Hosting.CustomHandler;

namespace LandRedevelopment.Functions.Tests.Hosting;

/// <summary>
/// Pins the custom-handler envelope to the shapes the Functions host sends and expects, as given in the
/// custom handler documentation (queue payload, timer payload, response payload).
/// </summary>
public class EnvelopeContractTests
{
    private const string HostQueuePayload = """
        {
          "Data": { "myQueueItem": "{ message: \"Message sent\" }" },
          "Metadata": {
            "DequeueCount": 1,
            "ExpirationTime": "2019-10-16T17:58:31+00:00",
            "Id": "800ae4b3-bdd2-4c08-badd-f08e5a34b865",
            "InsertionTime": "2019-10-09T17:58:31+00:00",
            "NextVisibleTime": "2019-10-09T18:08:32+00:00",
            "PopReceipt": "AgAAAAMAAAAAAAAAAgtnj8x+1QE=",
            "sys": { "MethodName": "QueueTrigger", "UtcNow": "2019-10-09T17:58:32.2205399Z", "RandGuid": "24ad4c06-24ad-4e5b-8294-3da9714877e9" }
          }
        }
        """;

    private const string HostTimerPayload = """
        {
          "Data": { "timer": { "Schedule": { "AdjustForDST": true }, "ScheduleStatus": null, "IsPastDue": false } },
          "Metadata": { "sys": { "MethodName": "SweepTimers", "UtcNow": "2023-09-07T11:40:45.004275Z", "RandGuid": "35e6e68c-5583-436c-a277-5aec2b416ba8" } }
        }
        """;

    [Fact]
    public void The_hosts_queue_payload_reads_as_message_text_and_metadata()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(HostQueuePayload)!;

        var invocation = QueueTriggerInvocation.From(request, "myQueueItem");

        Assert.Equal("{ message: \"Message sent\" }", invocation.MessageText);
        Assert.Equal("800ae4b3-bdd2-4c08-badd-f08e5a34b865", invocation.MessageId);
        Assert.Equal("AgAAAAMAAAAAAAAAAgtnj8x+1QE=", invocation.PopReceipt);
        Assert.Equal(1, invocation.DequeueCount);
        Assert.Equal(new DateTimeOffset(2019, 10, 16, 17, 58, 31, TimeSpan.Zero), invocation.ExpirationTime);
        Assert.Equal(new DateTimeOffset(2019, 10, 9, 18, 8, 32, TimeSpan.Zero), invocation.NextVisibleTime);
        Assert.Equal("QueueTrigger", invocation.FunctionName);
    }

    [Fact]
    public void The_hosts_timer_payload_reads_as_a_timer_object()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(HostTimerPayload)!;

        var invocation = TimerTriggerInvocation.From(request, "timer");

        Assert.False(invocation.Timer.IsPastDue);
        Assert.Null(invocation.Timer.ScheduleStatus);
        Assert.True(invocation.Timer.Schedule.AdjustForDst);
        Assert.Equal("SweepTimers", invocation.FunctionName);
        Assert.Equal(new DateTimeOffset(2023, 9, 7, 11, 40, 45, TimeSpan.Zero).AddTicks(42750), invocation.UtcNow);
    }

    [Fact]
    public void A_timer_payload_with_a_status_reads_last_and_next()
    {
        const string json = """{"Data":{"t":{"Schedule":{},"ScheduleStatus":{"Last":"2016-10-04T10:15:00+00:00","LastUpdated":"2016-10-04T10:16:00+00:00","Next":"2016-10-04T10:20:00+00:00"},"IsPastDue":true}},"Metadata":{}}""";

        var invocation = TimerTriggerInvocation.From(JsonSerializer.Deserialize<InvocationRequest>(json)!, "t");

        Assert.True(invocation.Timer.IsPastDue);
        Assert.Equal(new DateTimeOffset(2016, 10, 4, 10, 20, 0, TimeSpan.Zero), invocation.Timer.ScheduleStatus!.Next);
        Assert.Equal(new DateTimeOffset(2016, 10, 4, 10, 15, 0, TimeSpan.Zero), invocation.Timer.ScheduleStatus.Last);
    }

    [Fact]
    public void The_response_payload_has_the_hosts_member_names()
    {
        var result = new InvocationResult { Outputs = { ["message"] = "m" }, Logs = { "line" }, ReturnValue = "r" };

        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(result));

        Assert.Equal("m", doc.RootElement.GetProperty("Outputs").GetProperty("message").GetString());
        Assert.Equal("line", doc.RootElement.GetProperty("Logs")[0].GetString());
        Assert.Equal("r", doc.RootElement.GetProperty("ReturnValue").GetString());
    }

    [Fact]
    public void A_payload_without_the_trigger_binding_is_an_invalid_invocation()
    {
        var request = JsonSerializer.Deserialize<InvocationRequest>(HostQueuePayload)!;

        var e = Assert.Throws<InvalidInvocationException>(() => QueueTriggerInvocation.From(request, "otherName"));
        Assert.Contains("Data.otherName", e.Message, StringComparison.Ordinal);
    }
}
