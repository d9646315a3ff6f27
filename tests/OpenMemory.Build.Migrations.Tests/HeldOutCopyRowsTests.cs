using System.Text;
using OpenMemory.Build.Migrations.Checksums;
using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Providers;
using OpenMemory.Build.Migrations.Runner;
using OpenMemory.Build.Migrations.Sql;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests;

/// <summary>
/// A data dump's COPY rows are held out of the script's text and sent as the file's bytes. Whatever is held out, the
/// statements, their rows, the line numbers and the checksum must be exactly those of the file read whole.
/// </summary>
public sealed class HeldOutCopyRowsTests : IDisposable
{
    private readonly TempDirectory _folder = new("omb-held");

    // Shaped like pg_dump's output: \restrict, SETs, a function whose body holds ';', an empty COPY, rows with tabs,
    // \N, escapes and non-ASCII text, a row that looks like SQL, and statements after the rows.
    private const string Dump = """
        --
        -- PostgreSQL database dump
        --

        \restrict abc123

        SET client_encoding = 'UTF8';
        SELECT pg_catalog.set_config('search_path', '', false);

        CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'x;y'; RETURN NEW; END $$;

        CREATE TABLE public.empty (id integer);

        CREATE TABLE public.items (id integer NOT NULL, name text, note text);

        COPY public.empty (id) FROM stdin;
        \.


        COPY public.items (id, name, note) FROM stdin;
        1	café 😀	\N
        2	tab\there	DROP TABLE public.items;
        3	東京	back\\slash

        \.


        ALTER TABLE ONLY public.items
            ADD CONSTRAINT items_pkey PRIMARY KEY (id);

        \unrestrict abc123
        """;

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("\n-- dumped «é»")]
    public void Rows_held_out_give_the_statements_rows_lines_and_checksum_of_the_whole_text(string tail)
    {
        var text = Dump + tail;
        var script = Load(text);

        Assert.NotNull(script.HeldOutRows);
        Assert.Equal(2, script.HeldOutRows.Count);
        Assert.Equal(text.Split('\n').Length, script.Text.Split('\n').Length);
        Assert.Equal(MigrationChecksum.Compute(text), script.Checksum);
        AssertSameAsWhole(script, text);
    }

    [Theory]
    [InlineData("CRLF line endings")]
    [InlineData("a template in the rows")]
    [InlineData("a COPY line inside a function body")]
    [InlineData("rows without an end")]
    public void A_file_whose_rows_cannot_be_held_out_keeps_its_whole_text(string shape)
    {
        var text = shape switch
        {
            "CRLF line endings" => Dump.ReplaceLineEndings("\r\n"),
            "a template in the rows" => Dump.Replace("back\\\\slash", "{{schema}}"),
            "a COPY line inside a function body" => """
                CREATE FUNCTION public.f() RETURNS void LANGUAGE sql AS $body$
                COPY public.items (id) FROM stdin;
                \.
                $body$;
                SELECT 1;
                """,
            _ => "CREATE TABLE public.t (id int);\nCOPY public.t (id) FROM stdin;\n1\n2\n",
        };

        var script = shape == "rows without an end" ? null : Load(text);

        if (script is not null)
        {
            Assert.Null(script.HeldOutRows);
            Assert.Equal(MigrationChecksum.NormalizeLineEndings(text), script.Text);
            Assert.Equal(MigrationChecksum.Compute(text), script.Checksum);
        }
        else
        {
            Assert.Null(HeldOutCopyRows.TryHoldOut(Encoding.UTF8.GetBytes(text)));
        }
    }

    [Fact]
    public void A_bad_row_is_located_at_its_line_in_the_file()
    {
        var script = Load(Dump);
        var migration = Prepare(script);
        var copy = migration.Statements.Select((s, i) => (s, i)).Last(x => x.s.HeldOutRows is not null);

        // The third row, as PostgreSQL reports it ("COPY items, line 3"): the row's start in the text.
        var rowStart = copy.s.CopyDataOffset + 2 - copy.s.Offset;
        var (line, column) = migration.Locate(copy.i, rowStart);

        var lines = Dump.Split('\n');
        Assert.StartsWith("3\t東京", lines[line - 1]);
        Assert.Equal(1, column);
    }

    private void AssertSameAsWhole(MigrationScript script, string text)
    {
        var held = Prepare(script).Statements;
        var whole = SqlScriptSplitter.Split(MigrationChecksum.NormalizeLineEndings(text), SqlDialect.Postgres);

        Assert.Equal(whole.Select(s => s.Text), held.Select(s => s.Text));
        Assert.Equal(whole.Select(s => s.CopyData?.ToString()), held.Select(s => s.CopyRowsText?.ToString()));
        var sourceLines = new Templating.SourceText(MigrationChecksum.NormalizeLineEndings(text));
        var heldLines = new Templating.SourceText(script.Text);
        Assert.Equal(whole.Select(s => sourceLines.Locate(s.Offset)), held.Select(s => heldLines.Locate(s.Offset)));
        Assert.Equal(whole.Where(s => s.CopyData is not null).Select(s => sourceLines.Locate(s.CopyDataOffset)),
            held.Where(s => s.CopyData is not null).Select(s => heldLines.Locate(s.CopyDataOffset)));
    }

    private MigrationScript Load(string text)
    {
        var path = Path.Combine(_folder.Path, $"{Guid.NewGuid():N}"[..8], "001_dump.sql");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        var (scripts, diagnostics) = MigrationCatalog.Load(new FileSystemMigrationSource([path]), "postgres");
        Assert.Empty(diagnostics);
        return Assert.Single(scripts);
    }

    private static PreparedMigration Prepare(MigrationScript script) =>
        MigrationPreparer.Prepare(script, ProviderFactory.Create(new MigrationOptions
        {
            Module = "held",
            Provider = "postgres",
            ConnectionString = "Host=127.0.0.1;Port=1;Username=nobody",
            Schema = "app",
        }));

    public void Dispose() => _folder.Dispose();
}
