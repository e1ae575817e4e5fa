using System.IO.Compression;
using Grpc.Core;
using Grpc.Net.Compression;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>
/// gRPC's gzip, with a message that does not decompress answered as grpc-go does (rpc_util.go,
/// <c>recvAndDecompress</c>): INTERNAL "grpc: failed to decompress the received message: ...", instead of the
/// framework's UNKNOWN with a stack trace in the log.
/// </summary>
internal sealed class CheckedGzipProvider : ICompressionProvider
{
    private readonly GzipCompressionProvider _gzip = new(CompressionLevel.Fastest);

    public string EncodingName => _gzip.EncodingName;

    public Stream CreateCompressionStream(Stream stream, CompressionLevel? compressionLevel) => _gzip.CreateCompressionStream(stream, compressionLevel);

    public Stream CreateDecompressionStream(Stream stream) => new Checked(_gzip.CreateDecompressionStream(stream));

    /// <summary>grpc-go's answer to a message that does not decompress; also <see cref="GzipMessageInflater"/>'s.</summary>
    public static Status DecompressionFailed(InvalidDataException e) =>
        new(StatusCode.Internal, $"grpc: failed to decompress the received message: {e.Message}");

    /// <summary>Reads through the gzip stream, turning damage into the gRPC status.</summary>
    private sealed class Checked(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            try
            {
                return inner.Read(buffer);
            }
            catch (InvalidDataException e)
            {
                throw Failed(e);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }
            catch (InvalidDataException e)
            {
                throw Failed(e);
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        private static RpcException Failed(InvalidDataException e) => new(DecompressionFailed(e));

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
