using Kubetrace.Storage.Model;

namespace Kubetrace.Storage.Scan.Columnar;

/// <summary>
/// What a scan needs from one set of dictionaries (a block's or a head's), worked out once per scan instead of
/// once per span: the string id of each requested attribute key, and per resource its service name, its values
/// for the requested keys (the fallback when a span lacks the attribute) and whether it is one of the requested
/// services. Strings handed out are the dictionaries' own (no copy).
/// </summary>
internal sealed class ScanDictionary
{
    private readonly Dictionaries _dictionaries;
    private readonly ValueTable _values;
    private readonly SpanScanRequest _request;
    private readonly int[] _slotOfKey;
    private readonly string?[]?[] _resourceValues;
    private readonly string?[] _services;
    private readonly sbyte[] _inServices;

    /// <param name="stringCount">Strings (keys) visible to the scan: rows read refer only to these.</param>
    /// <param name="resourceCount">Resources visible to the scan, likewise.</param>
    public ScanDictionary(Dictionaries dictionaries, SpanScanRequest request, int stringCount, int resourceCount)
    {
        _dictionaries = dictionaries;
        _values = dictionaries.Values;
        _request = request;
        KeyIds = request.AttributeKeys.Select(dictionaries.Strings.Find).ToArray();
        _slotOfKey = new int[stringCount];
        Array.Fill(_slotOfKey, -1);
        for (var slot = KeyIds.Length - 1; slot >= 0; slot--)
            if (KeyIds[slot] >= 0 && KeyIds[slot] < stringCount) _slotOfKey[KeyIds[slot]] = slot;
        _resourceValues = new string?[]?[resourceCount];
        _services = new string?[resourceCount];
        _inServices = new sbyte[resourceCount];
    }

    public int KeyCount => KeyIds.Length;

    /// <summary>String id of each requested key in these dictionaries (-1 when no span or resource here has it).</summary>
    public int[] KeyIds { get; }

    public StringTable Strings => _dictionaries.Strings;

    /// <summary>The request slot of an attribute key id, or -1 when the key was not asked for.</summary>
    public int SlotOf(int keyId) => (uint)keyId < (uint)_slotOfKey.Length ? _slotOfKey[keyId] : -1;

    /// <summary>Text of a value id: the dictionary's string, or a formatted UUID (<paramref name="uuids"/>, id &lt; 0).</summary>
    public string ValueText(int valueId, UInt128[] uuids) =>
        valueId >= 0 ? _values.Text(valueId) : Uuid.Format(uuids[~valueId]);

    /// <summary>The resource attribute <c>service.name</c> as a string ("" when missing or not a string).</summary>
    public string Service(int resource)
    {
        if (_services[resource] is { } service) return service;
        Load(resource);
        return _services[resource]!;
    }

    /// <summary>The resource's values of the requested keys, by slot (null where absent).</summary>
    public string?[] ResourceValues(int resource)
    {
        Load(resource);
        return _resourceValues[resource]!;
    }

    public bool IsRequestedService(int resource)
    {
        if (_inServices[resource] == 0)
            _inServices[resource] = _request.Services is not { } services || services.Contains(Service(resource)) ? (sbyte)1 : (sbyte)-1;
        return _inServices[resource] > 0;
    }

    private void Load(int resource)
    {
        if (_resourceValues[resource] is not null) return;
        var entry = _dictionaries.Resources[resource];
        var service = "";
        foreach (var attribute in entry.Resource.Attributes)
            if (attribute.Key == "service.name")
            {
                service = attribute.Value?.StringValue ?? "";
                break;
            }
        _services[resource] = service;
        var values = new string?[KeyIds.Length];
        for (var slot = 0; slot < values.Length; slot++) values[slot] = entry.Find(_request.AttributeKeys[slot]);
        _resourceValues[resource] = values;
    }
}
