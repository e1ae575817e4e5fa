using System.Diagnostics;
using System.Net.Sockets;

namespace Kubetrace.Tests.Receivers;

/// <summary>A slowloris-style client: a raw socket that sends one byte per second until the server drops it.</summary>
internal static class SlowClient
{
    /// <summary>Sends <paramref name="prefix"/> at once, then <paramref name="trickle"/> a byte a second.</summary>
    /// <returns>How long after the prefix the server closed the connection, or null if it did not within <paramref name="patience"/>.</returns>
    public static async Task<TimeSpan?> TimeUntilDroppedAsync(Uri server, byte[] prefix, byte[] trickle, TimeSpan patience)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(server.Host, server.Port);
        await socket.SendAsync(prefix);
        var clock = Stopwatch.StartNew();
        var closed = ReadUntilClosedAsync(socket);
        for (var i = 0; clock.Elapsed < patience; i++)
        {
            if (await Task.WhenAny(closed, Task.Delay(TimeSpan.FromSeconds(1))) == closed) return clock.Elapsed;
            try
            {
                await socket.SendAsync(trickle.AsMemory(i % trickle.Length, 1));
            }
            catch (SocketException)
            {
                return clock.Elapsed;
            }
        }
        return null;
    }

    private static async Task ReadUntilClosedAsync(Socket socket)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }
}
