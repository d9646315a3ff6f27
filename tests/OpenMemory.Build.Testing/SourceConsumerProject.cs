namespace OpenMemory.Build.Testing;

/// <summary>
/// Writes a consumer project that imports the task package's build files straight from the source tree, with the
/// task assembly pointed at freshly built bits: the in-process MSBuild tests and the benchmark both use it.
/// </summary>
public static class SourceConsumerProject
{
    /// <param name="sdkStyle">A Microsoft.NET.Sdk project, as a real consumer has; otherwise a bare project.</param>
    public static string Write(string path, string buildFolder, string tasksAssembly, string properties = "", string items = "", string targets = "", bool sdkStyle = false)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"""
            <Project{(sdkStyle ? " Sdk=\"Microsoft.NET.Sdk\"" : "")}>
              <Import Project="{buildFolder}OpenMemory.Build.Tasks.props" />
              <PropertyGroup>
                <OpenMemoryBuildTasksAssembly>{tasksAssembly}</OpenMemoryBuildTasksAssembly>
                <BaseIntermediateOutputPath>obj/</BaseIntermediateOutputPath>
                {(sdkStyle ? "<TargetFramework>net10.0</TargetFramework><EnableDefaultItems>false</EnableDefaultItems>" : "")}
                {properties}
              </PropertyGroup>
              <ItemGroup>
                {items}
              </ItemGroup>
              <Import Project="{buildFolder}OpenMemory.Build.Tasks.targets" />
              {targets}
            </Project>
            """);
        return path;
    }
}
