using Kubetrace.Cli;

return await KubetraceCommand.RunAsync(args);
