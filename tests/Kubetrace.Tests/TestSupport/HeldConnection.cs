using System.Net.Sockets;
using System.Text;

namespace Kubetrace.Tests.TestSupport;

/// <summary>
/// A raw client connection that a test opens, feeds what it wants (part of a request, a whole one) and then holds,
/// to see whether the server drops it: the slowloris client, the idle keep-alive client, the connection too many.
/// Nothing here sleeps; the test waits for <see cref="IsClosed"/> with <see cref="Wait"/>.
/// </summary>
internal sealed class HeldConnection : IDisposable
{
    private readonly Socket _socket = new(SocketType.Stream, ProtocolType.Tcp);
    private readonly MemoryStream _received = new();
    private Task? _reading;

    private HeldConnection()
    {
    }

    /// <summary>True once the server closed (or reset) the connection.</summary>
    public bool IsClosed => _reading?.IsCompleted == true;

    /// <summary>What the server sent so far, as ASCII (status lines and headers are).</summary>
    public string Received
    {
        get
        {
            lock (_received) return Encoding.ASCII.GetString(_received.ToArray());
        }
    }

    public static async Task<HeldConnection> OpenAsync(Uri server, string send = "")
    {
        var connection = new HeldConnection();
        await connection._socket.ConnectAsync(server.Host, server.Port);
        connection._reading = connection.ReadUntilClosedAsync();
        await connection.SendAsync(send);
        return connection;
    }

    public async Task SendAsync(string text)
    {
        if (text.Length > 0) await _socket.SendAsync(Encoding.ASCII.GetBytes(text));
    }

    private async Task ReadUntilClosedAsync()
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await _socket.ReceiveAsync(buffer)) > 0)
            {
                lock (_received) _received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // Reset by the server: what it sent before is in Received, and the connection counts as closed.
        }
        catch (ObjectDisposedException)
        {
            // Disposed by the test while reading.
        }
    }

    public void Dispose() => _socket.Dispose();
}
