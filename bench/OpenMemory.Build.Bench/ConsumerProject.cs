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
        var path = Path.Combine(directory, sdkStyle ? "BenchSdk.csproj" : "Bench.proj");
        Testing.SourceConsumerProject.Write(path, buildFolder, tasksAssembly,
            properties: """
                <MigrationModule>bench</MigrationModule>
                <MigrationSchema>public</MigrationSchema>
                <MigrationAllowPublicSchema>true</MigrationAllowPublicSchema>
                <MigrationUseLockFile>false</MigrationUseLockFile>
                <EnableDefaultMigrationItems>false</EnableDefaultMigrationItems>
                """,
            items: $"<Migration Include=\"{migrations}/*.sql\" />",
            targets: "<Target Name=\"Empty\" />",
            sdkStyle: sdkStyle);
        return path;
    }
}
