using OpenMemory.Build.Migrations.Discovery;
using OpenMemory.Build.Migrations.Lint;
using OpenMemory.Build.Testing;

namespace OpenMemory.Build.Migrations.Tests.Lint;

/// <summary>Each rule, both ways: the dangerous migration gets its code at the marked line and column, the safe rewrite does not.</summary>
public class LintRuleTests
{
    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var c in LintCorpus.Postgres.Concat(LintCorpus.Sqlite))
        {
            data.Add(c.Provider, c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_dangerous_form_is_found_where_it_stands(string provider, string name)
    {
        var lintCase = Find(provider, name);
        var findings = LintAfterSetup(lintCase.Provider, lintCase.DangerousText);

        var ofRule = findings.Where(f => f.Code == lintCase.Code).ToList();
        Assert.NotEmpty(ofRule);
        Assert.Equal(lintCase.Expected, (ofRule[0].Line, ofRule[0].Column));
        Assert.EndsWith("0002_case.sql", ofRule[0].File);
        var others = findings.Where(f => f.Code != lintCase.Code && !lintCase.Also.Contains(f.Code)).Select(f => f.Message).ToList();
        Assert.Empty(others);
        var rule = LintRules.Find(lintCase.Code)!;
        Assert.Contains(rule.Danger, ofRule[0].Message);
        Assert.Contains(rule.Fix, ofRule[0].Message);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_safe_rewrite_is_not_reported(string provider, string name)
    {
        var lintCase = Find(provider, name);
        var findings = LintAfterSetup(lintCase.Provider, lintCase.Safe);
        var reported = findings.Where(f => !lintCase.Also.Contains(f.Code)).Select(f => $"{f.Code} ({f.Line},{f.Column}) {f.Message}").ToList();
        Assert.Empty(reported);
    }

    [Fact]
    public void The_corpus_covers_every_rule()
    {
        var covered = LintCorpus.Postgres.Concat(LintCorpus.Sqlite).Select(c => c.Code).ToHashSet();
        var uncovered = LintRules.All.Select(r => r.Code).Where(c => c != LintRules.SuppressionWithoutReason.Code && !covered.Contains(c)).ToList();
        Assert.Empty(uncovered);
        Assert.True(LintCorpus.Postgres.Count >= 30);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("sqlite")]
    public void Tables_the_migration_creates_are_exempt(string provider)
    {
        var findings = Lint(provider, ("0001_new.sql", """
            CREATE TABLE audit (id bigint PRIMARY KEY, actor text, at text);
            CREATE INDEX audit_actor_idx ON audit (actor);
            ALTER TABLE audit ADD COLUMN source text NOT NULL;
            ALTER TABLE audit RENAME COLUMN at TO happened_at;
            ALTER TABLE audit DROP COLUMN source;
            CREATE TABLE scratch (id int);
            DROP TABLE scratch;
            """));
        var reported = findings.Where(f => f.Code != "OMB6101").Select(f => f.Message).ToList();
        Assert.Empty(reported);
    }

    [Fact]
    public void A_sqlite_table_rebuild_with_rows_and_foreign_keys_is_not_reported()
    {
        var findings = Lint("sqlite", ("0001_setup.sql", LintCorpus.SqliteSetup), ("0002_rebuild.sql", """
            CREATE TABLE accounts_new (id INTEGER PRIMARY KEY, email TEXT NOT NULL DEFAULT '', name TEXT, plan TEXT);
            INSERT INTO accounts_new (id, email, name, plan) SELECT id, coalesce(email, ''), name, plan FROM accounts;
            DROP TABLE accounts;
            ALTER TABLE accounts_new RENAME TO accounts;
            CREATE INDEX accounts_email_idx ON accounts (email);
            """));
        Assert.Empty(findings);
    }

    [Fact]
    public void A_rebuilt_postgres_table_is_new_for_the_rest_of_its_migration()
    {
        var findings = Lint("postgres", ("0001_setup.sql", LintCorpus.PostgresSetup), ("0002_rebuild.sql", """
            SET lock_timeout = '5s';
            CREATE TABLE orders_v2 (id bigint PRIMARY KEY, account_id bigint NOT NULL, total numeric(12,2));
            INSERT INTO orders_v2 SELECT id, account_id, total FROM orders;
            DROP TABLE orders;
            ALTER TABLE orders_v2 RENAME TO orders;
            CREATE INDEX orders_account_idx ON orders (account_id);
            """));
        Assert.Empty(findings);
    }

    [Fact]
    public void A_column_already_not_null_from_its_primary_key_sets_not_null_without_a_finding()
    {
        var findings = Lint("postgres", ("0001_setup.sql", LintCorpus.PostgresSetup), ("0002_drop_key.sql", """
            SET lock_timeout = '5s';
            ALTER TABLE accounts DROP CONSTRAINT accounts_pkey;
            ALTER TABLE accounts ALTER COLUMN id SET NOT NULL;
            """));
        Assert.Empty(findings);
    }

    [Fact]
    public void Statements_inside_bodies_strings_and_comments_are_not_read_as_statements()
    {
        var findings = Lint("postgres", ("0001_setup.sql", LintCorpus.PostgresSetup), ("0002_bodies.sql", """
            SET lock_timeout = '5s';
            -- CREATE INDEX orders_status_idx ON orders (status);
            /* DROP TABLE orders; */
            CREATE FUNCTION archive() RETURNS void LANGUAGE plpgsql AS $$
            BEGIN
              DROP TABLE IF EXISTS orders_archive;
              COMMIT;
            END $$;
            COMMENT ON TABLE orders IS 'DROP TABLE orders; BEGIN; COMMIT;';
            DO $body$ BEGIN EXECUTE 'ALTER TABLE orders ADD COLUMN x int NOT NULL'; END $body$;
            """));
        Assert.Empty(findings);
    }

    [Fact]
    public void Templated_table_names_are_tracked_like_any_other_name()
    {
        var findings = Lint("postgres",
            ("0001_setup.sql", "CREATE TABLE {{tables.memories}} (id text PRIMARY KEY, content text);"),
            ("0002_index.sql", "SET lock_timeout = '5s';\nCREATE INDEX memories_content_idx ON {{tables.memories}} (content);"));
        var finding = Assert.Single(findings);
        Assert.Equal(("OMB6001", 2, 1), (finding.Code, finding.Line, finding.Column));
        Assert.Contains("{{tables.memories}}", finding.Message);
    }

    [Fact]
    public void A_suppression_with_a_reason_marks_the_finding_and_keeps_the_reason()
    {
        var findings = Lint("postgres", ("0001_setup.sql", LintCorpus.PostgresSetup), ("0002_drop.sql", """
            -- omb:disable OMB6009 reason: the column has been unused since release 4.2
            SET lock_timeout = '5s';
            ALTER TABLE accounts DROP COLUMN plan;
            """));
        var finding = Assert.Single(findings);
        Assert.Equal("OMB6009", finding.Code);
        Assert.False(finding.IsReported);
        Assert.Equal("the column has been unused since release 4.2", finding.SuppressedBecause);
    }

    [Theory]
    [InlineData("-- omb:disable OMB6009", "gives no reason")]
    [InlineData("-- omb:disable reason: trust me", "names no lint code")]
    [InlineData("-- omb:disable OMB6999 reason: typo", "OMB6999, which is not a lint code")]
    public void A_suppression_without_a_reason_or_code_suppresses_nothing_and_is_itself_a_finding(string comment, string problem)
    {
        var findings = Lint("postgres", ("0001_setup.sql", LintCorpus.PostgresSetup), ("0002_drop.sql", $"""
            SET lock_timeout = '5s';
            {comment}
            ALTER TABLE accounts DROP COLUMN plan;
            """));
        Assert.Equal(["OMB6000", "OMB6009"], findings.Select(f => f.Code).Order());
        var meta = findings.Single(f => f.Code == "OMB6000");
        Assert.Equal(2, meta.Line);
        Assert.Contains(problem, meta.Message);
        Assert.True(findings.Single(f => f.Code == "OMB6009").IsReported);
    }

    [Fact]
    public void Fingerprints_do_not_move_with_lines_and_differ_between_statements()
    {
        var before = Lint("postgres", ("0001_setup.sql", LintCorpus.PostgresSetup),
            ("0002_idx.sql", "SET lock_timeout = '5s';\nCREATE INDEX a ON orders (status);\nCREATE INDEX b ON orders (total);"));
        var after = Lint("postgres", ("0001_setup.sql", LintCorpus.PostgresSetup),
            ("0002_idx.sql", "SET lock_timeout = '5s';\n\n-- moved down\nCREATE INDEX a ON orders (status);\nCREATE INDEX b ON orders (total);"));
        Assert.Equal(before.Select(f => f.Fingerprint), after.Select(f => f.Fingerprint));
        Assert.NotEqual(before[0].Fingerprint, before[1].Fingerprint);
        Assert.NotEqual(before[0].Line, after[0].Line);
    }

    [Fact]
    public void The_same_file_gives_the_same_findings_every_time()
    {
        var first = LintAfterSetup("postgres", LintCorpus.Postgres[0].DangerousText);
        var second = LintAfterSetup("postgres", LintCorpus.Postgres[0].DangerousText);
        Assert.Equal(first, second);
    }

    private static LintCase Find(string provider, string name) =>
        LintCorpus.Postgres.Concat(LintCorpus.Sqlite).Single(c => c.Provider == provider && c.Name == name);

    private static IReadOnlyList<LintFinding> LintAfterSetup(string provider, string migration) =>
        Lint(provider, ("0001_setup.sql", provider == "postgres" ? LintCorpus.PostgresSetup : LintCorpus.SqliteSetup), ("0002_case.sql", migration));

    internal static IReadOnlyList<LintFinding> Lint(string provider, params (string Name, string Text)[] files)
    {
        var scripts = files.Select(f =>
        {
            var noTransaction = f.Text.StartsWith("-- omb:no-transaction", StringComparison.Ordinal);
            var version = MigrationVersion.Parse(f.Name[..4]);
            return new MigrationScript(version, f.Name[5..^4], f.Name, "/migrations/" + f.Name, f.Text, "", noTransaction);
        });
        return MigrationLinter.Lint(scripts, provider);
    }
}
