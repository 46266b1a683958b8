using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace LandRedevelopment.Testing;

/// <summary>A child process the tests own: output captured, killed (with its children) on dispose and at exit.</summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, byte> Live = new();
    private readonly StringBuilder _output = new();

    static ChildProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            foreach (var child in Live.Keys)
            {
                child.Dispose();
            }
        };
    }

    private ChildProcess(Process process) => Process = process;

    public Process Process { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static ChildProcess Start(string fileName, IEnumerable<string> args, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepoPaths.Root,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        if (environment is not null)
        {
            foreach (var (k, v) in environment)
            {
                psi.Environment[k] = v;
            }
        }

        var process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        var child = new ChildProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        Live[child] = 0;
        return child;
    }

    /// <summary>
    /// Starts a Node.js script through a small watchdog that exits when our end of its stdin pipe closes.
    /// The exit hook of the test host does not always get to run (the host can be torn down first); the
    /// pipe closes whatever the cause, so no emulator outlives the tests.
    /// </summary>
    public static ChildProcess StartNode(string script, IEnumerable<string> args, string workingDirectory)
    {
        var watchdog = Path.Combine(workingDirectory, "exit-with-parent.js");
        File.WriteAllText(watchdog,
            "process.stdin.on('end', () => process.exit(0));\nprocess.stdin.resume();\nrequire(" +
            System.Text.Json.JsonSerializer.Serialize(script) + ");\n");
        return Start("node", new[] { watchdog }.Concat(args), workingDirectory);
    }

    public bool HasExited => Process.HasExited;

    /// <summary>SIGKILL, no goodbye: what a crash looks like.</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    public void Dispose()
    {
        Live.TryRemove(this, out _);
        Kill();
        Process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            if (_output.Length < 1_000_000)
            {
                _output.AppendLine(line);
            }
        }
    }
}

/// <summary>Free loopback ports and waiting for a listener.</summary>
public static class Loopback
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, FileStream> HandedOut = new();

    /// <summary>Where the ports handed out are claimed, one lock file per port, across the test processes of a machine.</summary>
    public static string ClaimDirectory { get; } = Path.Combine(Path.GetTempPath(), "landredev-test-ports");

    /// <summary>
    /// A loopback port free now and never handed out before in this process or, while this process lives, in another
    /// test process: a port is only bound some time after it is handed out (a test may keep one unbound on purpose, as
    /// storage that is not there yet), and the system may offer a released port again meanwhile, here or to the test
    /// assembly running beside this one. A claim is an exclusive lock on the port's file, which the system drops when
    /// the process ends, however it ends.
    /// </summary>
    public static int FreePort()
    {
        Directory.CreateDirectory(ClaimDirectory);
        while (true)
        {
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }

            if (HandedOut.ContainsKey(port))
            {
                continue;
            }

            FileStream claim;
            try
            {
                claim = new FileStream(Path.Combine(ClaimDirectory, port.ToString(System.Globalization.CultureInfo.InvariantCulture)), FileMode.OpenOrCreate,
                    FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // claimed by another test process
            }

            if (HandedOut.TryAdd(port, claim))
            {
                return port;
            }

            claim.Dispose();
        }
    }

    public static async Task WaitForPortAsync(int port, ChildProcess owner, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (owner.HasExited)
            {
                // Let the output readers reach the end first: what the process wrote last (why it stopped) is what matters.
                owner.Process.WaitForExit();
                throw new InvalidOperationException($"{what} exited with {owner.Process.ExitCode} before listening on {port}:\n{owner.Output}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }

        throw new TimeoutException($"{what} did not listen on {port} within {timeout}:\n{owner.Output}");
    }
}
