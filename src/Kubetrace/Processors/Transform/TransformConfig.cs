using Kubetrace.Components;
using Kubetrace.Processors.Ottl;
using YamlDotNet.RepresentationModel;

namespace Kubetrace.Processors.Transform;

/// <summary>
/// The <c>transform</c> processor's configuration (processor/transformprocessor/config.go): <c>trace_statements</c>
/// is a list of groups <c>{context: span|spanevent|resource, conditions: [...], statements: [...]}</c>, or of plain
/// statement strings (span context).
/// </summary>
public sealed class TransformConfig : IValidatableConfig
{
    public string ErrorMode { get; set; } = "propagate";

    public List<YamlNode> TraceStatements { get; set; } = [];

    /// <summary>The groups read from <see cref="TraceStatements"/>; problems are reported by <see cref="Validate"/>.</summary>
    internal List<StatementGroup> Groups(List<ConfigProblem>? problems = null)
    {
        var groups = new List<StatementGroup>();
        for (var i = 0; i < TraceStatements.Count; i++)
        {
            var node = TraceStatements[i];
            if (node is YamlScalarNode scalar)
            {
                groups.Add(new StatementGroup(OttlContext.Span, [], [scalar.Value ?? ""], $"trace_statements::{i}", null));
                continue;
            }
            if (node is not YamlMappingNode mapping)
            {
                problems?.Add(new($"trace_statements::{i}", "expected a statement or a mapping with context and statements"));
                continue;
            }
            var context = OttlContext.Span;
            string? errorMode = null;
            List<string> statements = [], conditions = [];
            foreach (var (keyNode, value) in mapping.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value;
                switch (key)
                {
                    case "context":
                        var name = (value as YamlScalarNode)?.Value;
                        if (name is "span") context = OttlContext.Span;
                        else if (name is "spanevent") context = OttlContext.SpanEvent;
                        else if (name is "resource") context = OttlContext.Resource;
                        else problems?.Add(new($"trace_statements::{i}::context", $"unsupported context \"{name}\" (supported: span, spanevent, resource)"));
                        break;
                    case "statements" or "conditions" when value is YamlSequenceNode items:
                        (key == "statements" ? statements : conditions).AddRange(items.Children.Select(c => (c as YamlScalarNode)?.Value ?? ""));
                        break;
                    case "error_mode":
                        errorMode = (value as YamlScalarNode)?.Value ?? "";
                        problems?.AddRange(OttlErrorMode.Validate(errorMode).Select(p => p with { Key = $"trace_statements::{i}::error_mode" }));
                        break;
                    default:
                        problems?.Add(new($"trace_statements::{i}::{key}", $"unknown key \"{key}\" (expected context, conditions, statements)"));
                        break;
                }
            }
            groups.Add(new StatementGroup(context, conditions, statements, $"trace_statements::{i}", errorMode));
        }
        return groups;
    }

    public IEnumerable<ConfigProblem> Validate()
    {
        var problems = new List<ConfigProblem>(OttlErrorMode.Validate(ErrorMode));
        foreach (var group in Groups(problems))
        {
            problems.AddRange(OttlConfigCheck.Statements(group.Statements, group.Context, $"{group.Key}::statements"));
            problems.AddRange(OttlConfigCheck.Conditions(group.Conditions, group.Context, $"{group.Key}::conditions"));
        }
        return problems;
    }
}

/// <summary>One group of statements; its own <c>error_mode</c>, when set, overrides the processor's (as in the Collector).</summary>
internal sealed record StatementGroup(OttlContext Context, List<string> Conditions, List<string> Statements, string Key, string? ErrorMode);
