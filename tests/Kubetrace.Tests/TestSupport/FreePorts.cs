using System.Net;
using System.Net.Sockets;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// Picks loopback ports that are free right now. Tests run in parallel with other tests (and other developers'
/// servers), so no test may use a fixed port. All listeners are held until every port is chosen, so the ports of
/// one call are distinct.
/// </summary>
internal static class FreePorts
{
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
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners) listener.Stop();
        }
    }
}
