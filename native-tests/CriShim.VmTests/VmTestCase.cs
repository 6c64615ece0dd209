namespace CriShim.VmTests;

/// <summary>One scenario run inside the VM against the real daemon.</summary>
internal sealed record VmTestCase(string Name, Func<VmDaemon, Task> Run);
