using OpenMemory.Build.Migrations.Tests.Infrastructure;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Behaviour;

/// <summary>
/// SQLite's documented table rebuild (create the new table, copy, drop the old, rename) on tables that hold rows and
/// are pointed at by ON DELETE CASCADE, RESTRICT and self-referencing foreign keys.
/// </summary>
public sealed class SqliteTableRebuildTests : IDisposable
{
    private readonly MigrationWorkspace _workspace = new();

    private const string Schema = """
        CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
        CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE, title TEXT);
        CREATE TABLE comments (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE RESTRICT, body TEXT,
            reply_to INTEGER REFERENCES comments (id) ON DELETE CASCADE);
        CREATE INDEX posts_author ON posts (author_id);
        INSERT INTO authors VALUES (1, 'ada'), (2, 'grace');
        INSERT INTO posts VALUES (1, 1, 'one'), (2, 1, 'two'), (3, 2, 'three');
        INSERT INTO comments VALUES (1, 1, 'first', NULL), (2, 1, 'reply', 1), (3, 3, 'other', NULL), (4, 3, 'reply again', 3);
        """;

    // The parent of a cascade, the parent of a restrict, and a self-referencing table, each rebuilt.
    private static readonly (string Name, string Sql)[] Rebuilds =
    [
        ("001_schema.sql", Schema),
        ("002_rebuild_authors.sql", """
            CREATE TABLE authors_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT);
            INSERT INTO authors_new (id, name) SELECT id, name FROM authors;
            DROP TABLE authors;
            ALTER TABLE authors_new RENAME TO authors;
            """),
        ("003_rebuild_posts.sql", """
            PRAGMA foreign_keys = OFF;
            CREATE TABLE posts_new (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors (id) ON DELETE CASCADE, title TEXT NOT NULL DEFAULT '');
            INSERT INTO posts_new SELECT id, author_id, coalesce(title, '') FROM posts;
            DROP TABLE posts;
            ALTER TABLE posts_new RENAME TO posts;
            CREATE INDEX posts_author ON posts (author_id);
            PRAGMA foreign_keys = ON;
            """),
        ("004_rebuild_comments.sql", """
            CREATE TABLE comments_new (id INTEGER PRIMARY KEY, post_id INTEGER NOT NULL REFERENCES posts (id) ON DELETE RESTRICT, body TEXT NOT NULL,
                reply_to INTEGER REFERENCES comments (id) ON DELETE CASCADE);
            INSERT INTO comments_new SELECT id, post_id, body, reply_to FROM comments;
            DROP TABLE comments;
            ALTER TABLE comments_new RENAME TO comments;
            """),
    ];

    [Fact]
    public void Rebuilds_of_parents_children_and_self_references_keep_every_row()
    {
        var database = new SqliteTestDatabase(_workspace.DatabasePath);
        foreach (var (name, sql) in Rebuilds)
        {
            _workspace.Add(name, sql);
        }

        var result = _workspace.Run(database.Options());

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal((2L, 3L, 4L), (Count("authors"), Count("posts"), Count("comments")));
        Assert.Equal(0L, SqliteInspector.Count(_workspace.DatabasePath, "SELECT count(*) FROM pragma_foreign_key_check"));
        Assert.Contains("email", SqliteInspector.Strings(_workspace.DatabasePath, "SELECT name FROM pragma_table_info('authors')"));
    }

    [Fact]
    public async Task Apply_keeps_the_foreign_key_setting_of_a_callers_connection()
    {
        foreach (var (name, sql) in Rebuilds.Take(2))
        {
            _workspace.Add(name, sql);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(_workspace.DatabasePath)!);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_workspace.DatabasePath};Foreign Keys=True");
        connection.Open();
        var result = await new Migrator().MigrateAsync(_workspace.MigrationsFolder, new MigrationOptions { Module = "test", Provider = "sqlite", Connection = connection });

        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA foreign_keys";
        Assert.Equal(1L, command.ExecuteScalar());
        Assert.Equal(3L, Count("posts"));
    }

    [Fact]
    public void A_rebuild_that_breaks_a_reference_is_refused_and_changes_nothing()
    {
        var database = new SqliteTestDatabase(_workspace.DatabasePath);
        _workspace.Add("001_schema.sql", Schema);
        Assert.True(_workspace.Run(database.Options()).Succeeded, _workspace.Log.Text);
        var bytes = File.ReadAllBytes(_workspace.DatabasePath);
        // Copies only one author: the posts of author 2 would point at nothing.
        var broken = _workspace.Add("002_lossy_rebuild.sql", """
            CREATE TABLE authors_new (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
            INSERT INTO authors_new SELECT id, name FROM authors WHERE id = 1;
            DROP TABLE authors;
            ALTER TABLE authors_new RENAME TO authors;
            """);

        var result = _workspace.Run(database.Options());

        var error = Assert.Single(result.Errors);
        Assert.Equal("OMB4015", error.Code);
        Assert.Equal(broken, error.File);
        Assert.Contains("1 row(s) of 'posts' point at no row of 'authors' (rowid 3)", error.Message);
        Assert.Equal(bytes, File.ReadAllBytes(_workspace.DatabasePath));
    }

    [Fact]
    public void Violations_the_database_already_had_do_not_fail_a_migration()
    {
        var database = new SqliteTestDatabase(_workspace.DatabasePath);
        _workspace.Add("001_schema.sql", Schema);
        Assert.True(_workspace.Run(database.Options()).Succeeded, _workspace.Log.Text);
        database.Execute("INSERT INTO posts VALUES (9, 99, 'orphan written by the sqlite3 shell');");
        _workspace.Add("002_more.sql", "ALTER TABLE posts ADD COLUMN draft INTEGER NOT NULL DEFAULT 0;");

        var result = _workspace.Run(database.Options());

        Assert.True(result.Succeeded, _workspace.Explain(result));
        Assert.Equal(4L, Count("posts"));
    }

    [Fact]
    public async Task A_violation_another_connection_writes_between_two_migrations_of_one_run_is_not_blamed_on_the_second()
    {
        // The run counts violations once per migration and carries the count after one migration over as the
        // "before" of the next, but only while no other connection has committed in between.
        var database = new SqliteTestDatabase(_workspace.DatabasePath);
        _workspace.Add("001_schema.sql", Schema);
        _workspace.Add("002_more.sql", "ALTER TABLE posts ADD COLUMN draft INTEGER NOT NULL DEFAULT 0;");
        var orphanWritten = false;
        var logger = new CallbackLogger(line =>
        {
            if (line.Contains("Migration 001 completed", StringComparison.Ordinal))
            {
                database.Execute("INSERT INTO posts VALUES (9, 99, 'orphan written by the sqlite3 shell');");
                orphanWritten = true;
            }
        });

        var result = await new Migrator(logger).MigrateAsync(_workspace.MigrationsFolder, database.Options());

        Assert.True(orphanWritten);
        Assert.True(result.Succeeded, string.Join('\n', result.Diagnostics));
        Assert.Equal(4L, Count("posts"));
    }

    private sealed class CallbackLogger(Action<string> onLine) : Microsoft.Extensions.Logging.ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            onLine(formatter(state, exception));
    }

    [Fact]
    public void The_preview_and_deploy_scripts_run_the_same_procedure_and_refuse_the_same_broken_rebuild()
    {
        var scripts = new TempDirectory("omb-rebuild");
        var applied = new SqliteTestDatabase(scripts.Combine("applied.sqlite"));
        var previewed = new SqliteTestDatabase(scripts.Combine("previewed.sqlite"));
        var deployed = new SqliteTestDatabase(scripts.Combine("deployed.sqlite"));
        foreach (var (name, sql) in Rebuilds)
        {
            _workspace.Add(name, sql);
        }

        Assert.True(_workspace.Run(applied.Options()).Succeeded, _workspace.Log.Text);
        Assert.True(_workspace.Run(previewed.Options(MigrationMode.Preview)).Succeeded, _workspace.Log.Text);
        Assert.True(previewed.RunScript(previewed.Options(MigrationMode.Preview).PreviewFile!).Succeeded);
        Assert.True(deployed.WriteDeployScript(_workspace, scripts.Combine("deploy")).Succeeded);
        var deploy = deployed.RunDeployScript(scripts.Combine("deploy"));
        Assert.True(deploy.Succeeded, deploy.Output);
        foreach (var database in new[] { previewed, deployed })
        {
            Assert.Equal(applied.Schema(), database.Schema());
            Assert.Equal(applied.History(), database.History());
            Assert.Equal((2L, 3L, 4L), (database.Count("SELECT count(*) FROM authors"), database.Count("SELECT count(*) FROM posts"), database.Count("SELECT count(*) FROM comments")));
        }

        _workspace.Add("005_lossy_rebuild.sql", """
            CREATE TABLE posts_new (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL, title TEXT NOT NULL);
            INSERT INTO posts_new SELECT id, author_id, title FROM posts WHERE id <> 3;
            DROP TABLE posts;
            ALTER TABLE posts_new RENAME TO posts;
            """);
        var before = File.ReadAllBytes(deployed.Path);
        Assert.True(deployed.WriteDeployScript(_workspace, scripts.Combine("deploy")).Succeeded);
        var refused = deployed.RunDeployScript(scripts.Combine("deploy"));
        Assert.False(refused.Succeeded, refused.Output);
        Assert.Contains("new_foreign_key_violations", refused.Output);
        Assert.Equal(before, File.ReadAllBytes(deployed.Path));
        scripts.Dispose();
    }

    private long Count(string table) => SqliteInspector.Count(_workspace.DatabasePath, $"SELECT count(*) FROM {table}");

    public void Dispose() => _workspace.Dispose();
}
