using CriShim.Api.Composition;
using CriShim.Api.Hosting;
using CriShim.Api.Http2;
using CriShim.Api.Services;
using CriShim.Contract;
using CriShim.Native;
using CriShim.Protocol;
using CriShim.Runtime.Configuration;
using CriShim.Runtime.Daemon;
using CriShim.Runtime.Network;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging.Console;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(DaemonConfigLoader.Usage());
    return 0;
}
if (args is ["--version"])
{
    Console.WriteLine($"{RuntimeIdentity.Name} {RuntimeIdentity.RuntimeVersion} (CRI {RuntimeIdentity.RuntimeApiVersion})");
    return 0;
}

DaemonConfig config;
try
{
    config = DaemonConfigLoader.Load(args);
    if (!Environment.IsPrivilegedProcess)
    {
        throw new ConfigException("crishim must run as root: it creates namespaces, mounts and cgroups");
    }
    PrivateDirectory.Create(config.Root);
    PrivateDirectory.Create(config.State);
    UnixSocketEndpoint.Claim(config.Listen);
}
catch (Exception e) when (e is ConfigException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"crishim: {e.Message}");
    return 2;
}

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.AddJsonConsole(o =>
{
    o.UseUtcTimestamp = true;
    o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
});
builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
var logLevel = new LogLevelSwitch(config.LogLevel);
builder.Logging.SetMinimumLevel(LogLevel.Trace);
builder.Logging.AddFilter(logLevel.Allows);

builder.WebHost.ConfigureKestrel(kestrel =>
{
    kestrel.Limits.Http2.MaxFrameSize = 16 * 1024;
    kestrel.ListenUnixSocket(config.Listen, listen =>
    {
        listen.Protocols = HttpProtocols.Http2;
        listen.UseAuthorityRewriting();
    });
});
builder.Services.AddGrpc(o =>
{
    o.Interceptors.Add<ErrorInterceptor>();
    o.MaxReceiveMessageSize = CriChannel.MaxMessageBytes;
    o.MaxSendMessageSize = CriChannel.MaxMessageBytes;
});
builder.Services.AddSingleton(config);
builder.Services.AddSingleton(logLevel);
builder.Services.AddSingleton(p => new ConfigReload(args, config, logLevel, p.GetRequiredService<CniConfigDirectory>(), p.GetRequiredService<ILogger<ConfigReload>>()));
builder.Services.AddSingleton<CniConfigDirectory>();
builder.Services.AddCriShimNetwork();
builder.Services.AddCriShimSandboxes();
builder.Services.AddCriShimImages();
builder.Services.AddCriShimContainers();
builder.Services.AddCriShimEvents();
builder.AddCriShimMetrics(config);
builder.Services.AddSingleton<RuntimeSettingsStore>();
builder.Services.AddSingleton<RuntimeStatusReporter>();
builder.AddCriShimStreaming(config);

var app = builder.Build();
app.MapGrpcService<CriRuntimeService>();
app.MapGrpcService<CriImageService>();
app.MapCriShimMetrics(config);
app.MapCriShimStreaming();

var log = app.Services.GetRequiredService<ILogger<Program>>();
// No helper runs yet: copies of a helper build that is gone (or half made by a killed one) go, the next start makes its own.
ReleaseStageFiles();
await UnixSocketEndpoint.BindAsync(config.Listen, () => app.StartAsync());
log.LogInformation("crishim {Version} serving CRI on unix://{Socket} (root {Root}, state {State})",
    RuntimeIdentity.RuntimeVersion, config.Listen, config.Root, config.State);
using var reload = app.Services.GetRequiredService<ConfigReload>();
reload.ListenForSighup();
// Type=notify: systemd starts the units that need the CRI socket (the kubelet) only now that it serves.
SystemdNotify.Send($"READY=1\nMAINPID={Environment.ProcessId}");
app.Lifetime.ApplicationStopping.Register(() => SystemdNotify.Send("STOPPING=1"));
// Start-up (host, services, recovery) leaves its garbage in the first GC budget; give it back to the kernel
// now rather than whenever the idle daemon next collects. (Dropping its file pages too, as pause and the monitor
// do, made 2-4 of 12 daemon starts abort with SIGABRT in the native DaemonTests: not done until understood.)
GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);

// Stopping the daemon only stops serving: containers are not its children and keep running.
await app.WaitForShutdownAsync();
ReleaseStageFiles();
log.LogInformation("crishim stopped; containers were left running");
// Disposing the host flushes the console logger's queue: a return without it could lose the line above.
await app.DisposeAsync();
return 0;

void ReleaseStageFiles()
{
    try
    {
        StageFileCopies.Release(config.State);
    }
    catch (Exception e) when (e is IOException or UnauthorizedAccessException)
    {
        log.LogWarning("releasing the helper's stage files in {Directory}: {Error}", StageFileCopies.DirectoryIn(config.State), e.Message);
    }
}
