namespace OpenMemory.Build.Migrations.Templating;

/// <summary>What the placeholders of a migration expand to for one provider, schema and table-name map.</summary>
internal sealed class TemplateScope(Func<string, string> table, string schema)
{
    /// <summary>The SQL for <c>{{tables.NAME}}</c>: the mapped table name, schema-qualified and quoted where the provider needs it.</summary>
    public string Table(string logicalName) => table(logicalName);

    /// <summary>The SQL for <c>{{schema}}</c>.</summary>
    public string Schema { get; } = schema;
}
