using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Kubetrace.Storage.ClickHouse;

/// <summary>A ClickHouse server said no (the query is wrong, or the server is in trouble).</summary>
public sealed class ClickHouseException(string message, bool transient, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when trying again later may succeed (connection refused, timeouts, 5xx overload).</summary>
    public bool Transient { get; } = transient;
}

/// <summary>
/// ClickHouse's HTTP interface, the one way Kubetrace talks to a server: statements as POST bodies, inserts as
/// RowBinary bodies after <c>INSERT INTO t (cols) FORMAT RowBinary</c> in the URL, answers as RowBinary or TSV.
/// Why HTTP rather than the ClickHouse.Driver package: docs/storage.md, ClickHouse.
/// </summary>
internal sealed class ClickHouseHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly string _baseQuery;

    public ClickHouseHttp(ClickHouseOptions options)
    {
        Options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(1),
            // ClickHouse closes idle keep-alive connections after keep_alive_timeout (3 s by default).
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(2),
            AutomaticDecompression = DecompressionMethods.None,
        })
        {
            BaseAddress = options.Endpoint,
            Timeout = options.QueryTimeout > TimeSpan.Zero ? options.QueryTimeout + TimeSpan.FromSeconds(5) : Timeout.InfiniteTimeSpan,
        };
        if (options.Username.Length > 0)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}")));
        var query = new StringBuilder("?database=").Append(Uri.EscapeDataString(options.Database));
        if (options.QueryTimeout > TimeSpan.Zero)
            query.Append("&max_execution_time=").Append((int)Math.Ceiling(options.QueryTimeout.TotalSeconds));
        // Bounded per query, so that one analysis cannot take the server's memory (spills sorts and groupings to disk).
        query.Append("&max_memory_usage=").Append(options.MaxQueryMemoryBytes);
        query.Append("&max_bytes_before_external_sort=").Append(options.MaxQueryMemoryBytes / 2);
        query.Append("&max_bytes_before_external_group_by=").Append(options.MaxQueryMemoryBytes / 2);
        if (options.MaxThreads > 0) query.Append("&max_threads=").Append(options.MaxThreads);
        if (options.Cluster.Length > 0)
        {
            // An INSERT into the Distributed table returns once every shard has written its rows (by default it
            // returns once they are queued on the local server, so an acknowledged span could be unreadable or lost).
            query.Append("&insert_distributed_sync=1");
            // A trace's rows are on one shard (sharded by trace ID), so a subquery over a Distributed table can read
            // each shard's local part, where ClickHouse would otherwise refuse it ("double-distributed IN").
            query.Append("&distributed_product_mode=local");
        }
        _baseQuery = query.ToString();
    }

    public ClickHouseOptions Options { get; }

    /// <summary>Runs a statement without an answer (DDL, ALTER).</summary>
    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken, bool withoutDatabase = false)
    {
        using var response = await SendAsync(withoutDatabase ? "?" : _baseQuery, new StringContent(sql, System.Text.Encoding.UTF8),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a query and returns its whole answer (the query names its FORMAT).</summary>
    public async Task<byte[]> QueryAsync(string sql, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(_baseQuery, new StringContent(sql, System.Text.Encoding.UTF8), cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a query answering in TSV, one value per line (escaping does not matter for the names and numbers asked this way).</summary>
    public async Task<List<string>> QueryLinesAsync(string sql, CancellationToken cancellationToken)
    {
        var text = System.Text.Encoding.UTF8.GetString(await QueryAsync(sql + " FORMAT TSV", cancellationToken).ConfigureAwait(false));
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    /// <summary>Inserts RowBinary rows into a table; returns once the server has written them.</summary>
    public Task InsertAsync(string table, string columns, ReadOnlyMemory<byte> rows, CancellationToken cancellationToken) =>
        InsertAsync(table, columns, [rows], cancellationToken);

    /// <summary>Inserts several runs of RowBinary rows as one INSERT (one body, the runs one after the other: atomic on
    /// the server up to max_insert_block_size rows); returns once the server has written them.</summary>
    public async Task InsertAsync(string table, string columns, IReadOnlyList<ReadOnlyMemory<byte>> rows, CancellationToken cancellationToken)
    {
        var query = _baseQuery + "&query=" + Uri.EscapeDataString($"INSERT INTO {table} ({columns}) FORMAT RowBinary");
        using var content = new ConcatenatedContent(rows);
        using var response = await SendAsync(query, content, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A body of several buffers sent one after the other, without copying them into one.</summary>
    private sealed class ConcatenatedContent(IReadOnlyList<ReadOnlyMemory<byte>> parts) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            foreach (var part in parts) await stream.WriteAsync(part, cancellationToken).ConfigureAwait(false);
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            foreach (var part in parts) length += part.Length;
            return true;
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string query, HttpContent content, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await _http.PostAsync(query, content, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new ClickHouseException($"ClickHouse at {Options.Endpoint} is unreachable: {e.Message}", transient: true, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ClickHouseException($"ClickHouse at {Options.Endpoint} did not answer in time", transient: true, e);
        }
        if (response.IsSuccessStatusCode) return response;
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        response.Dispose();
        var code = (int)response.StatusCode;
        throw new ClickHouseException($"ClickHouse answered {code}: {FirstLine(body)}",
            transient: code >= 500 && !body.Contains("Syntax error", StringComparison.Ordinal));
    }

    private static string FirstLine(string body)
    {
        var line = body.Split('\n', 2)[0].Trim();
        return line.Length > 500 ? line[..500] + "…" : line;
    }

    public void Dispose() => _http.Dispose();
}
