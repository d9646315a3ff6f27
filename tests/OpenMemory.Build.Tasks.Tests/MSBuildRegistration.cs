using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace OpenMemory.Build.Tasks.Tests;

internal static class MSBuildRegistration
{
    /// <summary>Before any test touches a Microsoft.Build type: use the MSBuild of the SDK that runs the tests.</summary>
    [ModuleInitializer]
    internal static void Register()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}
