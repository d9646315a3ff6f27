using OpenMemory.Build.Testing;

namespace OpenMemory.Build.EndToEnd.Tests.Infrastructure;

/// <summary>Runs the dotnet CLI as a user would, without the MSBuild variables a test host may carry.</summary>
public static class Dotnet
{
    private static readonly string[] Inherited =
    [
        "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly",
        "DOTNET_HOST_PATH", "VSTEST_HOST_DEBUG", "MSBUILDNOINPROCNODE",
    ];

    public static ProcessResult Run(string workingDirectory, PackedPackages packages, params string[] arguments) =>
        Run(workingDirectory, packages, new Dictionary<string, string?>(), arguments);

    public static ProcessResult Run(string workingDirectory, PackedPackages packages, IDictionary<string, string?> environment, params string[] arguments)
    {
        var variables = Inherited.ToDictionary(v => v, string? (_) => null);
        variables["NUGET_PACKAGES"] = packages.PackagesCache;
        variables["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        variables["DOTNET_NOLOGO"] = "1";
        variables["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        foreach (var (key, value) in environment)
        {
            variables[key] = value;
        }

        return ProcessRunner.Run("dotnet", arguments, workingDirectory, variables, TimeSpan.FromMinutes(5));
    }
}
