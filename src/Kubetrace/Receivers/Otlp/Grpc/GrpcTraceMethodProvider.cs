using Grpc.AspNetCore.Server.Model;

namespace Kubetrace.Receivers.Otlp.Grpc;

/// <summary>Registers <see cref="RawExportMethod.Export"/> on <see cref="GrpcTraceService"/> (instead of the generated binding).</summary>
internal sealed class GrpcTraceMethodProvider : IServiceMethodProvider<GrpcTraceService>
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<GrpcTraceService> context) =>
        context.AddUnaryMethod(RawExportMethod.Export, [], static (service, request, callContext) => service.Export(request, callContext));
}
