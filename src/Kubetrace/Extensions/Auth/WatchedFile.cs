using Microsoft.Extensions.Logging;

namespace Kubetrace.Extensions.Auth;

/// <summary>
/// A file an authenticator reads (token, htpasswd, JWKS), parsed again when it changes, so that secrets rotate
/// without a restart. The change check (modification time and size) runs at most once per <c>checkEvery</c> of
/// <c>clock</c>, so the request path costs a clock read; a file that fails to parse keeps the last good value and logs why.
/// </summary>
internal sealed class WatchedFile<T> where T : class
{
    private readonly string _path;
    private readonly Func<string, T> _parse;
    private readonly TimeSpan _checkEvery;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private volatile T _value;
    private (DateTime Written, long Length) _stamp;
    private long _nextCheck; // a timestamp of _clock

    /// <exception cref="InvalidDataException">The file cannot be read or parsed at start (the message says why).</exception>
    public WatchedFile(string path, Func<string, T> parse, ILogger logger, TimeProvider? clock = null, TimeSpan? checkEvery = null)
    {
        _path = path;
        _parse = parse;
        _logger = logger;
        _clock = clock ?? TimeProvider.System;
        _checkEvery = checkEvery ?? TimeSpan.FromSeconds(1);
        _stamp = Stamp();
        _value = Read();
        _nextCheck = NextCheck();
    }

    private long NextCheck() => _clock.GetTimestamp() + (long)(_checkEvery.TotalSeconds * _clock.TimestampFrequency);

    public T Value
    {
        get
        {
            if (_clock.GetTimestamp() < Interlocked.Read(ref _nextCheck) || !_lock.TryEnter()) return _value;
            try
            {
                Interlocked.Exchange(ref _nextCheck, NextCheck());
                var stamp = Stamp();
                if (stamp != _stamp)
                {
                    _value = Read();
                    _stamp = stamp;
                }
            }
            catch (InvalidDataException e)
            {
                _logger.LogWarning("Keeping the previous contents of {Path}: {Reason}", _path, e.Message);
            }
            finally
            {
                _lock.Exit();
            }
            return _value;
        }
    }

    private (DateTime, long) Stamp()
    {
        var info = new FileInfo(_path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : default;
    }

    private T Read()
    {
        string text;
        try
        {
            text = File.ReadAllText(_path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"cannot read \"{_path}\": {e.Message}", e);
        }
        return _parse(text);
    }
}
