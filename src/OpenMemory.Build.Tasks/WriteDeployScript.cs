using Microsoft.Build.Framework;
using OpenMemory.Build.Migrations;
using OpenMemory.Build.Migrations.Deploy;
using OpenMemory.Build.Migrations.Diagnostics;
using MSBuildTask = Microsoft.Build.Utilities.Task;

namespace OpenMemory.Build.Tasks;

/// <summary>Writes the idempotent deploy script for the configured provider into a folder (the publish output).</summary>
public sealed class WriteDeployScript : MSBuildTask
{
    public ITaskItem[] Migrations { get; set; } = [];

    [Required]
    public string Provider { get; set; } = "";

    [Required]
    public string Module { get; set; } = "";

    public string? Schema { get; set; }

    public bool AllowPublicSchema { get; set; }

    public ITaskItem[] Tables { get; set; } = [];

    public string? BaselineVersion { get; set; }

    public string? AppRole { get; set; }

    /// <summary>Legacy history table the script adopts when the module has none (OpenMemory's schema_version); empty turns it off.</summary>
    public string? LegacyHistoryTable { get; set; }

    [Required]
    public string OutputFolder { get; set; } = "";

    [Output]
    public string? ScriptPath { get; set; }

    public override bool Execute()
    {
        var options = new MigrationOptions
        {
            Module = Module.Trim(),
            Provider = Provider.Trim(),
            Schema = ConnectionResolver.ResolveSchema(Schema, Environment.GetEnvironmentVariable),
            AllowPublicSchema = AllowPublicSchema,
            TableMap = ConnectionResolver.ResolveTableMap(MSBuildMigrations.TableMap(Tables), Environment.GetEnvironmentVariable),
            BaselineVersion = BaselineVersion,
            AppRole = ConnectionResolver.ResolveAppRole(AppRole, Environment.GetEnvironmentVariable),
            LegacyHistoryTable = string.IsNullOrWhiteSpace(LegacyHistoryTable) ? null : LegacyHistoryTable.Trim(),
        };
        var written = DeployScript.Write(MSBuildMigrations.Source(Migrations, BuildEngine), options, OutputFolder);
        if (written.Succeeded)
        {
            ScriptPath = written.Path;
            Log.LogMessage(MessageImportance.High, "[MIGRATE] Deploy script written to {0}", written.Path);
        }

        return MSBuildMigrations.Report(Log, written.Diagnostics);
    }
}
