using System.Globalization;
using System.Reflection;

namespace Kubetrace.Config;

/// <summary>
/// Turns one YAML scalar into a value of a config property's type, or explains in one sentence why it cannot.
/// The conversion is driven by the target type, not by how YAML typed the text, so <c>port: "8080"</c> and
/// <c>port: 8080</c> both bind to an int, as in the Collector.
/// </summary>
public static class ScalarConverter
{
    public static bool IsScalarType(Type type) =>
        type == typeof(string) || type == typeof(bool) || type == typeof(TimeSpan) || type.IsEnum || IsNumber(type);

    public static bool TryConvert(string text, Type type, out object? value, out string error)
    {
        value = null;
        error = "";
        if (type == typeof(string))
        {
            value = text;
            return true;
        }
        if (type == typeof(bool)) return TryBool(text, out value, out error);
        if (type == typeof(TimeSpan))
        {
            if (GoDuration.TryParse(text, out var duration))
            {
                value = duration;
                return true;
            }
            error = $"invalid duration \"{text}\" ({GoDuration.Hint})";
            return false;
        }
        if (type.IsEnum) return TryEnum(text, type, out value, out error);
        if (type == typeof(double) || type == typeof(float)) return TryFloatingPoint(text, type, out value, out error);
        if (IsNumber(type)) return TryInteger(text, type, out value, out error);
        error = $"unsupported config property type {type.Name}";
        return false;
    }

    private static bool IsNumber(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(uint) || type == typeof(ulong)
        || type == typeof(ushort) || type == typeof(byte) || type == typeof(double) || type == typeof(float);

    private static bool TryBool(string text, out object? value, out string error)
    {
        // YAML 1.2 booleans only: "yes"/"on" are strings there, and accepting them would hide typos.
        error = "";
        value = text switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => null,
        };
        if (value is not null) return true;
        error = $"invalid boolean \"{text}\" (use true or false)";
        return false;
    }

    private static bool TryInteger(string text, Type type, out object? value, out string error)
    {
        value = null;
        if (!Int128.TryParse(WithoutDigitSeparators(text.Trim()), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            error = $"invalid integer \"{text}\"";
            return false;
        }
        var (min, max) = IntegerRange(type);
        if (number < min || number > max)
        {
            error = $"value {number} is out of range ({min} to {max})";
            return false;
        }
        value = Convert.ChangeType((long)number == number ? (object)(long)number : (ulong)number, type, CultureInfo.InvariantCulture);
        error = "";
        return true;
    }

    /// <summary>
    /// <c>100_000</c> → <c>100000</c>: Go's YAML reads integers with <c>strconv.ParseInt(s, 0, 64)</c>, which accepts
    /// an underscore between digits, so Collector configs use it (the tail sampler's README does). Any other
    /// placement is left in and fails to parse.
    /// </summary>
    private static string WithoutDigitSeparators(string text)
    {
        if (!text.Contains('_')) return text;
        for (var i = 0; i < text.Length; i++)
            if (text[i] == '_' && (i == 0 || i == text.Length - 1 || !char.IsAsciiDigit(text[i - 1]) || !char.IsAsciiDigit(text[i + 1])))
                return text;
        return text.Replace("_", "");
    }

    private static (Int128 Min, Int128 Max) IntegerRange(Type type) => type switch
    {
        _ when type == typeof(int) => (int.MinValue, int.MaxValue),
        _ when type == typeof(uint) => (uint.MinValue, uint.MaxValue),
        _ when type == typeof(ulong) => (ulong.MinValue, ulong.MaxValue),
        _ when type == typeof(ushort) => (ushort.MinValue, ushort.MaxValue),
        _ when type == typeof(byte) => (byte.MinValue, byte.MaxValue),
        _ => (long.MinValue, long.MaxValue),
    };

    private static bool TryFloatingPoint(string text, Type type, out object? value, out string error)
    {
        value = null;
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            error = $"invalid number \"{text}\"";
            return false;
        }
        value = type == typeof(float) ? (object)(float)number : number; // boxed as the property's own type
        error = "";
        return true;
    }

    private static bool TryEnum(string text, Type type, out object? value, out string error)
    {
        var names = EnumNames(type);
        foreach (var (name, member) in names)
        {
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                value = member;
                error = "";
                return true;
            }
        }
        value = null;
        error = $"invalid value \"{text}\" (expected one of: {string.Join(", ", names.Select(n => n.Name))})";
        return false;
    }

    /// <summary>YAML names of an enum's values: lowercase names, or the <see cref="ConfigKeyAttribute"/> on a field.</summary>
    private static List<(string Name, object Value)> EnumNames(Type type)
    {
        var result = new List<(string, object)>();
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var attribute = field.GetCustomAttribute<ConfigKeyAttribute>();
            var value = field.GetValue(null)!;
            result.Add((attribute?.Primary ?? ConfigKeyMap.ToSnakeCase(field.Name), value));
            foreach (var alias in attribute?.Aliases ?? []) result.Add((alias, value));
        }
        return result;
    }
}
