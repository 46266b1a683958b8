using System.Globalization;
using System.Net;
using System.Net.Sockets;
using LandRedevelopment.Testing;

namespace LandRedevelopment.Shared.Tests.Testing;

/// <summary>The fixtures' free ports: handed out once, and claimed against the other test processes of the machine.</summary>
public class LoopbackTests
{
    [Fact]
    public void A_port_handed_out_is_free_and_claimed_so_that_no_other_process_can_claim_it_while_this_one_lives()
    {
        var port = Loopback.FreePort();

        // Another test process opening the claim (it is an exclusive lock, which the same call elsewhere would try) fails.
        Assert.Throws<IOException>(() => new FileStream(Path.Combine(Loopback.ClaimDirectory, port.ToString(CultureInfo.InvariantCulture)),
            FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        using var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
    }

    [Fact]
    public void A_port_another_process_holds_the_claim_of_is_never_handed_out()
    {
        // Hold the claims of the next ports the system is likely to offer; none of them may come back.
        var held = new List<(int Port, FileStream Claim)>();
        try
        {
            Directory.CreateDirectory(Loopback.ClaimDirectory);
            for (var i = 0; i < 50; i++)
            {
                using var probe = new TcpListener(IPAddress.Loopback, 0);
                probe.Start();
                var port = ((IPEndPoint)probe.LocalEndpoint).Port;
                try
                {
                    held.Add((port, new FileStream(Path.Combine(Loopback.ClaimDirectory, port.ToString(CultureInfo.InvariantCulture)), FileMode.OpenOrCreate,
                        FileAccess.ReadWrite, FileShare.None)));
                }
                catch (IOException)
                {
                    // Already claimed by a fixture here or by another test process.
                }
            }

            var handedOut = Enumerable.Range(0, 50).Select(_ => Loopback.FreePort()).ToList();

            Assert.Empty(handedOut.Intersect(held.Select(h => h.Port)));
            Assert.Equal(handedOut.Count, handedOut.Distinct().Count());
        }
        finally
        {
            foreach (var (_, claim) in held)
            {
                claim.Dispose();
            }
        }
    }
}
