using Xunit.Abstractions;
using Xunit.Sdk;

namespace CriShim.KubeletTests.Infrastructure;

/// <summary>Runs scenarios by <see cref="KubeletFactAttribute.Order"/>, then by name.</summary>
public sealed class ScenarioOrderer : ITestCaseOrderer
{
    public IEnumerable<TTestCase> OrderTestCases<TTestCase>(IEnumerable<TTestCase> testCases) where TTestCase : ITestCase =>
        testCases
            .OrderBy(c => c.TestMethod.Method.GetCustomAttributes(typeof(KubeletFactAttribute)).FirstOrDefault()?.GetNamedArgument<int>(nameof(KubeletFactAttribute.Order)) ?? 0)
            .ThenBy(c => c.TestMethod.Method.Name, StringComparer.Ordinal);
}
