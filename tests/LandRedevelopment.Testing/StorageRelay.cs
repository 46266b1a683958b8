using System.Net;
using System.Net.Sockets;

namespace LandRedevelopment.Testing;

/// <summary>
/// A loopback TCP relay in front of one storage service port, which a test can take down and bring back. While up it
/// forwards every connection to the service. Taken down, it resets every connection it was forwarding, and from then on
/// accepts each new connection, counts it and resets it at once — storage that cannot be reached, with a count of every
/// attempt to reach it.
/// </summary>
public sealed class StorageRelay : IDisposable
{
    private readonly TcpListener _listener;
    private readonly int _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly HashSet<TcpClient> _forwarding = [];
    private bool _down;
    private int _refused;

    private StorageRelay(int target)
    {
        _target = target;
        // A claimed port, not any free one: a port the system hands out may be one another test process was given to leave
        // unbound (storage that is not there), whose app would then count here as attempts to reach this storage.
        Port = Loopback.FreePort();
        _listener = new TcpListener(IPAddress.Loopback, Port);
        _listener.Start();
        _ = AcceptAsync();
    }

    /// <summary>The port the relay listens on.</summary>
    public int Port { get; }

    /// <summary>How many connections were attempted (and reset) while the relay was down.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Starts a relay to <paramref name="targetPort"/> on the loopback address.</summary>
    public static StorageRelay Start(int targetPort) => new(targetPort);

    /// <summary>Storage goes away: open connections are reset, new ones refused and counted.</summary>
    public void TakeDown()
    {
        lock (_gate)
        {
            _down = true;
            foreach (var connection in _forwarding)
            {
                Reset(connection);
            }

            _forwarding.Clear();
        }
    }

    /// <summary>Storage is back: new connections are forwarded again.</summary>
    public void BringBack()
    {
        lock (_gate)
        {
            _down = false;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        TakeDown();
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            if (!Track(client))
            {
                Interlocked.Increment(ref _refused);
                Reset(client);
                continue;
            }

            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(TcpClient client)
    {
        var upstream = new TcpClient();
        try
        {
            await upstream.ConnectAsync(IPAddress.Loopback, _target, _stop.Token);
            if (!Track(upstream))
            {
                return;
            }

            var inbound = client.GetStream();
            var outbound = upstream.GetStream();
            await Task.WhenAny(inbound.CopyToAsync(outbound, _stop.Token), outbound.CopyToAsync(inbound, _stop.Token));
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Reset by TakeDown, or closed by either side: the other side is closed below.
        }
        finally
        {
            lock (_gate)
            {
                _forwarding.Remove(client);
                _forwarding.Remove(upstream);
            }

            client.Dispose();
            upstream.Dispose();
        }
    }

    /// <summary>Adds a connection to those <see cref="TakeDown"/> resets, unless the relay is down.</summary>
    private bool Track(TcpClient connection)
    {
        lock (_gate)
        {
            return !_down && _forwarding.Add(connection);
        }
    }

    /// <summary>Closes with a reset (RST), not an orderly close: what a client sees of a failing front end.</summary>
    private static void Reset(TcpClient connection)
    {
        try
        {
            connection.Client.LingerState = new LingerOption(true, 0);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }

        connection.Dispose();
    }
}
