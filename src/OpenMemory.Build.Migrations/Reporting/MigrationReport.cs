using System.Text.Json;
using OpenMemory.Build.Migrations.Diagnostics;

namespace OpenMemory.Build.Migrations.Reporting;

/// <summary>
/// The run as JSON, for CI dashboards and reviewers; the schema is documented in README ("Report file").
/// It holds no connection string, so no password can reach it.
/// </summary>
internal static class MigrationReport
{
    public const int SchemaVersion = 1;

    public static void Write(MigrationResult result, string path)
    {
        try
        {
            IO.AtomicFile.Write(path, stream => Write(result, stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new MigrationException(Errors.CannotWriteFile(path, e.Message));
        }
    }

    public static void Write(MigrationResult result, Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("reportVersion", SchemaVersion);
        json.WriteString("mode", result.Mode.ToString().ToLowerInvariant());
        json.WriteString("module", result.Module);
        json.WriteString("provider", result.Provider);
        json.WriteBoolean("succeeded", result.Succeeded);
        json.WriteString("startVersion", result.StartVersion);
        json.WriteString("generatedAt", DateTimeOffset.UtcNow);

        json.WriteStartObject("totals");
        json.WriteNumber("migrations", result.Migrations.Count);
        foreach (var state in new[] { "applied", "baselined", "pending", "modified", "missing", "out-of-order", "failed" })
        {
            json.WriteNumber(state, result.Migrations.Count(m => StateName(m.State) == state));
        }

        json.WriteNumber("appliedNow", result.AppliedNowCount);
        json.WriteEndObject();

        json.WriteStartArray("migrations");
        foreach (var migration in result.Migrations)
        {
            json.WriteStartObject();
            json.WriteString("version", migration.Version);
            json.WriteString("file", migration.FileName);
            json.WriteString("description", migration.Description);
            json.WriteString("checksum", migration.Checksum);
            json.WriteString("recordedChecksum", migration.RecordedChecksum);
            json.WriteString("state", StateName(migration.State));
            json.WriteBoolean("appliedNow", migration.State == MigrationState.AppliedNow);
            if (migration.AppliedAt is { } appliedAt)
            {
                json.WriteString("appliedAt", appliedAt);
            }
            else
            {
                json.WriteNull("appliedAt");
            }

            if (migration.ExecutionTimeMs is { } ms)
            {
                json.WriteNumber("executionTimeMs", ms);
            }
            else
            {
                json.WriteNull("executionTimeMs");
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();

        json.WriteStartArray("diagnostics");
        foreach (var diagnostic in result.Diagnostics)
        {
            json.WriteStartObject();
            json.WriteString("code", diagnostic.Code);
            json.WriteString("severity", diagnostic.IsError ? "error" : "warning");
            json.WriteString("message", diagnostic.Message);
            json.WriteString("file", diagnostic.File);
            json.WriteNumber("line", diagnostic.Line);
            json.WriteNumber("column", diagnostic.Column);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (result.Mode == MigrationMode.Drift)
        {
            WriteDrift(json, "drift", result.Drift);
        }

        if (result.Targets.Count > 0)
        {
            WriteTargets(json, result);
        }

        json.WriteEndObject();
    }

    /// <summary>Drift: one entry per difference, what the migrations say and what the database has (null: none).</summary>
    private static void WriteDrift(Utf8JsonWriter json, string name, IReadOnlyList<DriftDifference> differences)
    {
        json.WriteStartArray(name);
        foreach (var difference in differences)
        {
            json.WriteStartObject();
            json.WriteString("code", difference.Code);
            json.WriteString("kind", difference.Kind);
            json.WriteString("name", difference.Name);
            json.WriteString("expected", difference.Expected);
            json.WriteString("actual", difference.Actual);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>A fan-out run: one entry per target, as its summary row says it.</summary>
    private static void WriteTargets(Utf8JsonWriter json, MigrationResult result)
    {
        json.WriteStartArray("targets");
        foreach (var target in result.Targets)
        {
            json.WriteStartObject();
            json.WriteString("name", target.Name);
            json.WriteString("startVersion", target.Result.StartVersion);
            json.WriteString("endVersion", target.EndVersion);
            json.WriteNumber("appliedNow", target.Result.AppliedNowCount);
            json.WriteNumber("pending", target.Result.PendingCount);
            json.WriteNumber("elapsedMs", target.ElapsedMs);
            json.WriteString("result", target.Skipped ? "skipped" : target.Result.Drift.Count > 0 ? "drifted" : !target.Result.Succeeded ? "failed" : target.Result.PendingCount > 0 && result.Mode != MigrationMode.Apply ? "behind" : "ok");
            if (result.Mode == MigrationMode.Drift)
            {
                WriteDrift(json, "drift", target.Result.Drift);
            }

            json.WriteStartArray("errors");
            foreach (var error in target.Result.Errors)
            {
                json.WriteStringValue($"{error.Code}: {error.Message}");
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    public static string StateName(MigrationState state) => state switch
    {
        MigrationState.Applied or MigrationState.AppliedNow => "applied",
        MigrationState.Baselined => "baselined",
        MigrationState.Pending => "pending",
        MigrationState.Modified => "modified",
        MigrationState.Missing => "missing",
        MigrationState.OutOfOrder => "out-of-order",
        MigrationState.RepeatableChanged => "repeatable changed",
        MigrationState.RolledBack => "rolled back",
        _ => "failed",
    };
}
