using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Kubetrace.Config;
using Kubetrace.Hosting;
using Kubetrace.Service;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Picks loopback ports that are free right now. Tests run in parallel with other tests (and other developers'
/// servers), so no test may use a fixed port. All listeners are held until every port is chosen, so the ports of
/// one call are distinct. A port free when chosen can still be taken before the server binds it: servers are
/// started through <see cref="StartOnFreshAsync{T}"/>, which chooses again when that happened.
/// </summary>
internal static class FreePorts
{
    private const int Attempts = 4;

    /// <summary>
    /// Starts a server on <paramref name="count"/> fresh ports; when a port was taken between the choice and the
    /// bind (<see cref="IsBindRace(Exception)"/>), chooses new ports and starts again.
    /// </summary>
    public static async Task<T> StartOnFreshAsync<T>(int count, Func<int[], Task<T>> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(Take(count));
            }
            catch (Exception e) when (attempt < Attempts && IsBindRace(e))
            {
                // Taken before the server bound it: fresh ports.
            }
        }
    }

    /// <inheritdoc cref="StartOnFreshAsync{T}"/>
    /// <remarks>For servers started synchronously (a clickhouse-server process waited for on the calling thread).</remarks>
    public static T StartOnFresh<T>(int count, Func<int[], T> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return start(Take(count));
            }
            catch (Exception e) when (attempt < Attempts && IsBindRace(e))
            {
                // Taken before the server bound it: fresh ports.
            }
        }
    }

    /// <summary>
    /// A loopback port where nothing listens, for tests of a server that is not there: held bound (never listening)
    /// until disposed, so connections to it are refused and no port-0 bind in the meantime (another test's server,
    /// <see cref="Take"/>) is handed it. A port chosen by <see cref="Take"/> and released could be.
    /// </summary>
    public static ClosedPort Closed() => new();

    /// <summary>Every port <see cref="Take"/> has handed out in this test run.</summary>
    private static readonly ConcurrentDictionary<int, bool> Chosen = new();

    /// <summary>
    /// Fails when the service would listen on a port that is neither 0 nor one chosen here: a listener left on its
    /// default (kubetrace_query's tempo_endpoint is localhost:3200 unless set) is a fixed port that two test runs, or
    /// a developer's own server, would fight over.
    /// </summary>
    public static void AssertNoFixedPort(ServiceConfig config)
    {
        var fixedPorts = ListenAddresses.Of(config)
            .Where(l => EndpointAddress.TryParse(l.Endpoint, out var address, out _) && address.Port != 0 && !Chosen.ContainsKey(address.Port))
            .Select(l => $"{l.Key}: {l.Endpoint}").ToList();
        Assert.True(fixedPorts.Count == 0,
            $"a test service listens on a fixed port (set the endpoint from FreePorts, 127.0.0.1:0, or \"\" to turn it off): {string.Join("; ", fixedPorts)}");
    }

    /// <summary>Whether a start failed because an address was in use, as Kestrel says it (also inside a child's output).</summary>
    public static bool IsBindRace(Exception e) => IsBindRace(e.ToString());

    /// <inheritdoc cref="IsBindRace(Exception)"/>
    public static bool IsBindRace(string failure) => failure.Contains("address already in use", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether another socket holds <paramref name="port"/> on <paramref name="address"/> (127.0.0.1 unless given)
    /// now: for a server that exited without saying why (its log elsewhere), to tell a port taken before it bound it
    /// from another failure, and to wait for a fixed port to be free. An address this machine lacks (no ::1) holds nothing.
    /// </summary>
    public static bool IsHeld(int port, IPAddress? address = null)
    {
        address ??= IPAddress.Loopback;
        using var probe = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(new IPEndPoint(address, port));
            return false;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode == SocketError.AddressAlreadyInUse;
        }
    }

    public static int[] Take(int count)
    {
        var listeners = new List<TcpListener>(count);
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
            foreach (var port in ports) Chosen.TryAdd(port, true);
            return ports;
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}

/// <summary>A loopback port held bound and not listening (<see cref="FreePorts.Closed"/>): connecting to it is refused.</summary>
internal sealed class ClosedPort : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ClosedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public void Dispose() => _socket.Dispose();
}
