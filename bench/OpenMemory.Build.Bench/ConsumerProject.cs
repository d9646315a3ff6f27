namespace OpenMemory.Build.Bench;

/// <summary>
/// A project whose only work is MigrateDatabase, importing the task package's build files, and an Empty target:
/// the cost MSBuild itself sets for a build that does nothing.
/// </summary>
internal static class ConsumerProject
{
    /// <param name="sdkStyle">A Microsoft.NET.Sdk project, as a real consumer has; otherwise a bare project, the worst case for ratios.</param>
    public static string Write(string directory, string migrations, string buildFolder, string tasksAssembly, bool sdkStyle = false)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, sdkStyle ? "BenchSdk.csproj" : "Bench.proj");
        File.WriteAllText(path, $"""
            <Project{(sdkStyle ? " Sdk=\"Microsoft.NET.Sdk\"" : "")}>
              <Import Project="{buildFolder}OpenMemory.Build.Tasks.props" />
              <PropertyGroup>
                <OpenMemoryBuildTasksAssembly>{tasksAssembly}</OpenMemoryBuildTasksAssembly>
                <MigrationModule>bench</MigrationModule>
                <MigrationSchema>public</MigrationSchema>
                <MigrationAllowPublicSchema>true</MigrationAllowPublicSchema>
                <MigrationUseLockFile>false</MigrationUseLockFile>
                <BaseIntermediateOutputPath>obj/</BaseIntermediateOutputPath>
                <EnableDefaultMigrationItems>false</EnableDefaultMigrationItems>
                {(sdkStyle ? "<TargetFramework>net10.0</TargetFramework><EnableDefaultItems>false</EnableDefaultItems>" : "")}
              </PropertyGroup>
              <ItemGroup>
                <Migration Include="{migrations}/*.sql" />
              </ItemGroup>
              <Import Project="{buildFolder}OpenMemory.Build.Tasks.targets" />
              <Target Name="Empty" />
            </Project>
            """);
        return path;
    }
}
